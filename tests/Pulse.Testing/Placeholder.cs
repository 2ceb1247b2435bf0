namespace Pulse.Testing; internal static class Placeholder { }
