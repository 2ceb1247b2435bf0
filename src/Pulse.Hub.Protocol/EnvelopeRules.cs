namespace Pulse.Hub.Protocol;

/// <summary>
/// The rules of DESIGN §2 for a client envelope, shared by both codecs: which fields each type requires, and
/// the error (with its stable code and the request id when it could be read) that replaces a bad envelope.
/// </summary>
internal static class EnvelopeRules
{
    public const string InvalidChannelMessage = "channel must be 1 to 128 letters, digits or ':', '_', '-', '.'";
    public const string SinceMessage = "since must be {epoch: string, offset: non-negative integer}";
    public const string DataMessage = "data must be one JSON value in UTF-8";

    private const int MaxEchoedTypeLength = 32;

    /// <summary>Turns what a codec read into an envelope, or the error that replaces it.</summary>
    public static EnvelopeReadResult Validate(in EnvelopeFields fields)
    {
        var id = (fields.Mistyped & EnvelopeField.Id) == 0 ? fields.Id : null;

        if ((fields.Mistyped & EnvelopeField.Type) != 0)
        {
            return Error(ErrorCode.BadRequest, "type must be a string", id);
        }

        if (string.IsNullOrEmpty(fields.TypeName))
        {
            return Error(ErrorCode.BadRequest, "type is required", id);
        }

        if (fields.Type is not { } type)
        {
            return Error(ErrorCode.UnknownType, $"unknown type '{Shorten(fields.TypeName)}'", id);
        }

        if (!WireNames.IsClientType(type))
        {
            return Error(ErrorCode.UnknownType, $"'{WireNames.Of(type)}' is sent by the server, not by clients", id);
        }

        if ((fields.Mistyped & EnvelopeField.Id) != 0)
        {
            return Error(ErrorCode.BadRequest, $"id must be a string of 1 to {EnvelopeLimits.MaxIdLength} characters", null);
        }

        if ((fields.Mistyped & EnvelopeField.Timestamp) != 0)
        {
            return Error(ErrorCode.BadRequest, "timestamp must be an integer (Unix milliseconds)", id);
        }

        if (id is null)
        {
            return Error(ErrorCode.BadRequest, $"id is required on '{WireNames.Of(type)}'", null);
        }

        var uses = Uses(type);
        if ((uses & EnvelopeField.Payload) != 0 && (fields.Mistyped & EnvelopeField.Payload) != 0)
        {
            return Error(ErrorCode.BadRequest, "payload must be an object", id);
        }

        if (FirstProblem(fields, uses) is { } problem)
        {
            return Error(problem.Code, problem.Message, id);
        }

        var envelope = new Envelope
        {
            Type = type,
            Id = id,
            Timestamp = fields.Timestamp,
            AckRequired = (uses & EnvelopeField.AckRequired) != 0 && fields.AckRequired,
            Token = (uses & EnvelopeField.Token) != 0 ? fields.Token : null,
            Channel = (uses & EnvelopeField.Channel) != 0 ? fields.Channel : null,
            Since = (uses & EnvelopeField.Since) != 0 ? fields.Since : null,
            Limit = (uses & EnvelopeField.Limit) != 0 ? fields.Limit : null,
            Data = (uses & EnvelopeField.Data) != 0 ? fields.Data : default,
        };
        return new EnvelopeReadResult(envelope, null);
    }

    /// <summary>An error result with no envelope.</summary>
    public static EnvelopeReadResult Error(ErrorCode code, string message, string? id) =>
        new(null, new ProtocolError(code, message, id));

    /// <summary>Whether <paramref name="id"/> is a valid request id.</summary>
    public static bool IsValidId(string id) => id.Length is > 0 and <= EnvelopeLimits.MaxIdLength;

    /// <summary>The fields a client envelope of <paramref name="type"/> reads (beyond type, id and timestamp).</summary>
    private static EnvelopeField Uses(EnvelopeType type) => type switch
    {
        EnvelopeType.Connect => EnvelopeField.Payload | EnvelopeField.Token,
        EnvelopeType.Subscribe => EnvelopeField.Payload | EnvelopeField.Channel | EnvelopeField.Since,
        EnvelopeType.Unsubscribe => EnvelopeField.Payload | EnvelopeField.Channel,
        EnvelopeType.Publish => EnvelopeField.Payload | EnvelopeField.Channel | EnvelopeField.Data | EnvelopeField.AckRequired,
        EnvelopeType.Presence => EnvelopeField.Payload | EnvelopeField.Channel,
        EnvelopeType.History => EnvelopeField.Payload | EnvelopeField.Channel | EnvelopeField.Since | EnvelopeField.Limit,
        _ => EnvelopeField.None,
    };

    private static (ErrorCode Code, string Message)? FirstProblem(in EnvelopeFields fields, EnvelopeField uses)
    {
        if ((uses & EnvelopeField.Token) != 0)
        {
            if ((fields.Mistyped & EnvelopeField.Token) != 0)
            {
                return (ErrorCode.BadRequest, "token must be a string");
            }

            if (fields.Token is null)
            {
                return (ErrorCode.BadRequest, "token is required");
            }
        }

        if ((uses & EnvelopeField.Channel) != 0)
        {
            if ((fields.Mistyped & EnvelopeField.Channel) != 0)
            {
                return (ErrorCode.BadRequest, "channel must be a string");
            }

            if (fields.Channel is null && !fields.ChannelTooLong)
            {
                return (ErrorCode.BadRequest, "channel is required");
            }

            if (fields.ChannelTooLong || !ChannelName.IsValid(fields.Channel))
            {
                return (ErrorCode.InvalidChannel, InvalidChannelMessage);
            }
        }

        if ((uses & EnvelopeField.Since) != 0 && (fields.Mistyped & EnvelopeField.Since) != 0)
        {
            return (ErrorCode.BadRequest, SinceMessage);
        }

        if ((uses & EnvelopeField.Limit) != 0 && (fields.Mistyped & EnvelopeField.Limit) != 0)
        {
            return (ErrorCode.BadRequest, "limit must be a non-negative integer");
        }

        if ((uses & EnvelopeField.AckRequired) != 0 && (fields.Mistyped & EnvelopeField.AckRequired) != 0)
        {
            return (ErrorCode.BadRequest, "ack_required must be a boolean");
        }

        if ((uses & EnvelopeField.Data) != 0)
        {
            if ((fields.Mistyped & EnvelopeField.Data) != 0)
            {
                return (ErrorCode.BadRequest, DataMessage);
            }

            if (!fields.HasData)
            {
                return (ErrorCode.BadRequest, "data is required");
            }
        }

        return null;
    }

    private static string Shorten(string text) =>
        text.Length <= MaxEchoedTypeLength ? text : string.Concat(text.AsSpan(0, MaxEchoedTypeLength), "…");
}
