namespace Pulse.InteropTests; public class PlaceholderTests { [Fact] public void Builds() => Assert.True(true); }
