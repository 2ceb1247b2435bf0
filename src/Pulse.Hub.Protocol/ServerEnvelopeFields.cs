namespace Pulse.Hub.Protocol;

/// <summary>
/// What a client read from one server envelope, in either codec, before it is checked: the codecs fill the
/// fields they found (null when absent) and <see cref="Build"/> applies the rules both share, as
/// <see cref="EnvelopeFields"/> does for the server side.
/// </summary>
internal sealed class ServerEnvelopeFields
{
    public string? TypeName { get; set; }

    public string? Id { get; set; }

    public bool AckRequired { get; set; }

    public string? Client { get; set; }

    public string? User { get; set; }

    public long? Heartbeat { get; set; }

    public long? Time { get; set; }

    public string? Channel { get; set; }

    public string? Epoch { get; set; }

    /// <summary>A reply's offset, or on <c>message</c> the publication's.</summary>
    public long? Offset { get; set; }

    /// <summary>On <c>message</c>: the publication's data, the UTF-8 text of one JSON value.</summary>
    public ReadOnlyMemory<byte>? Data { get; set; }

    /// <summary>On <c>message</c>: when it was published.</summary>
    public long? Timestamp { get; set; }

    public bool? Recovered { get; set; }

    public List<Publication>? Publications { get; set; }

    public List<ClientInfo>? Clients { get; set; }

    public long? Code { get; set; }

    public string? Message { get; set; }

    /// <summary>The envelope; null for a type this version does not know (forward compatibility).</summary>
    /// <exception cref="FormatException">A field its type needs is missing or out of range.</exception>
    public ServerEnvelope? Build()
    {
        if (TypeName is null)
        {
            throw new FormatException("envelope without a type");
        }

        if (!WireNames.TryParse(TypeName, out var type))
        {
            return null;
        }

        switch (type)
        {
            case EnvelopeType.Welcome:
                return new WelcomeEnvelope(Required(Client, "client"), (int)Math.Clamp(Heartbeat ?? 0, 0, int.MaxValue), Time ?? 0);

            case EnvelopeType.Reply:
                return new ReplyEnvelope(Required(Id, "id"), new ReceivedReply
                {
                    Client = Client,
                    User = User,
                    Epoch = Epoch,
                    Offset = Offset,
                    Recovered = Recovered,
                    Publications = Publications,
                    Clients = Clients,
                });

            case EnvelopeType.Error:
                var code = Code is { } value and >= 0 and <= int.MaxValue ? (int)value : throw new FormatException("error without a valid 'code'");
                return new ErrorEnvelope(Id, (ErrorCode)code, Message ?? "");

            case EnvelopeType.Pong:
                return new PongEnvelope(Id);

            case EnvelopeType.Message:
                var publication = NewPublication(Required(Offset, "offset"), Required(Data, "data"), User, Timestamp ?? 0, AckRequired);
                return new MessageEnvelope(Required(Channel, "channel"), Required(Epoch, "epoch"), publication);

            case EnvelopeType.Join or EnvelopeType.Leave:
                return new JoinLeaveEnvelope(type == EnvelopeType.Join, Required(Channel, "channel"), new ClientInfo(Required(Client, "client"), User ?? ""));

            default:
                // A client envelope type: not something a server sends.
                throw new FormatException($"'{TypeName}' is not a server envelope");
        }
    }

    /// <summary>A publication read from the wire: the user is null when anonymous (absent or empty).</summary>
    public static Publication NewPublication(long offset, ReadOnlyMemory<byte> data, string? user, long timestamp, bool ackRequired = false) =>
        offset >= 0
            ? new Publication(offset, data, string.IsNullOrEmpty(user) ? null : user, timestamp, ackRequired: ackRequired)
            : throw new FormatException($"publication offset {offset} is negative");

    private static string Required(string? value, string name) => value ?? throw Missing(name);

    private static T Required<T>(T? value, string name)
        where T : struct =>
        value ?? throw Missing(name);

    private static FormatException Missing(string name) => new($"missing field '{name}'");
}
