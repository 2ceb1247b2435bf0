namespace Pulse.IntegrationTests; public class PlaceholderTests { [Fact] public void Builds() => Assert.True(true); }
