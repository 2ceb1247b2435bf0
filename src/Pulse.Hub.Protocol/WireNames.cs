namespace Pulse.Hub.Protocol;

/// <summary>The wire names of <see cref="EnvelopeType"/> values: the lower-case member name.</summary>
internal static class WireNames
{
    private static readonly (EnvelopeType Type, string Name, byte[] Utf8)[] s_names = Build();

    /// <summary>The wire name of <paramref name="type"/>, such as <c>subscribe</c>.</summary>
    public static string Of(EnvelopeType type) => s_names[(int)type].Name;

    /// <summary>The UTF-8 wire name of <paramref name="type"/>.</summary>
    public static ReadOnlySpan<byte> Utf8Of(EnvelopeType type) => s_names[(int)type].Utf8;

    /// <summary>Finds the type whose wire name is <paramref name="name"/> (exact, case-sensitive).</summary>
    public static bool TryParse(string name, out EnvelopeType type)
    {
        foreach (var entry in s_names)
        {
            if (entry.Name == name)
            {
                type = entry.Type;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>All types with their UTF-8 names, for readers that compare bytes.</summary>
    public static ReadOnlySpan<(EnvelopeType Type, string Name, byte[] Utf8)> All => s_names;

    /// <summary>Whether a client may send <paramref name="type"/>.</summary>
    public static bool IsClientType(EnvelopeType type) => type <= EnvelopeType.Ack;

    private static (EnvelopeType, string, byte[])[] Build()
    {
        var types = Enum.GetValues<EnvelopeType>();
        var names = new (EnvelopeType, string, byte[])[types.Length];
        foreach (var type in types)
        {
#pragma warning disable CA1308 // The wire name is lower case by definition (DESIGN §2), not a normalization.
            var name = type.ToString().ToLowerInvariant();
#pragma warning restore CA1308
            names[(int)type] = (type, name, System.Text.Encoding.UTF8.GetBytes(name));
        }

        return names;
    }
}
