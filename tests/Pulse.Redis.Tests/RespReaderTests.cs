using System.Buffers;
using System.Text;
using Pulse.Redis.Resp;

namespace Pulse.Redis.Tests;

/// <summary>The RESP reader on golden bytes: every type, partial frames, error replies, malformed input.</summary>
public sealed class RespReaderTests
{
    private static RespValue ReadOne(string text, out int consumed)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(new RespReader().TryRead(sequence, out var value, out var position));
        consumed = (int)sequence.Slice(0, position).Length;
        return value;
    }

    private static RespValue ReadOne(string text) => ReadOne(text, out _);

    [Theory]
    [InlineData("+OK\r\n", RespType.SimpleString, "OK")]
    [InlineData("-ERR unknown command 'FOO'\r\n", RespType.Error, "ERR unknown command 'FOO'")]
    [InlineData(":-42\r\n", RespType.Number, "-42")]
    [InlineData("$5\r\nhe\r\no\r\n", RespType.BulkString, "he\r\no")]
    [InlineData("$0\r\n\r\n", RespType.BulkString, "")]
    [InlineData("(3492890328409238509324850943850943825024385\r\n", RespType.BigNumber, "3492890328409238509324850943850943825024385")]
    [InlineData("!21\r\nSYNTAX invalid syntax\r\n", RespType.BulkError, "SYNTAX invalid syntax")]
    [InlineData("=15\r\ntxt:Some string\r\n", RespType.VerbatimString, "Some string")]
    [InlineData("#t\r\n", RespType.Boolean, "true")]
    [InlineData(",1.5\r\n", RespType.Real, "1.5")]
    public void Scalars_ParseToTypeAndText(string wire, RespType type, string text)
    {
        var value = ReadOne(wire, out var consumed);

        Assert.Equal(type, value.Type);
        Assert.Equal(text, value.AsString());
        Assert.Equal(Encoding.UTF8.GetByteCount(wire), consumed);
    }

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("_\r\n")]
    public void Nulls_OfBothProtocols_AreNull(string wire)
    {
        var value = ReadOne(wire);

        Assert.True(value.IsNull);
        Assert.Null(value.AsString());
    }

    [Fact]
    public void NestedArray_KeepsOrderAndTypes()
    {
        var value = ReadOne("*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n$-1\r\n");

        Assert.Equal(RespType.Array, value.Type);
        Assert.Equal(1, value.Items[0].AsInt64());
        Assert.Equal(["a", "b"], value.Items[1].Items.Select(i => i.AsString()));
        Assert.True(value.Items[2].IsNull);
    }

    [Fact]
    public void Resp3MapSetPushAndAttribute_Parse()
    {
        var map = ReadOne("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n");
        var set = ReadOne("~2\r\n+x\r\n+y\r\n");
        var push = ReadOne(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        var attributed = ReadOne("|1\r\n+ttl\r\n:3600\r\n:7\r\n");

        Assert.Equal(RespType.Map, map.Type);
        Assert.Equal(["first", "1", "second", "2"], map.Items.Select(i => i.AsString()));
        Assert.Equal(RespType.Set, set.Type);
        Assert.Equal(RespType.Push, push.Type);
        Assert.Equal("hi", push.Items[2].AsString());
        Assert.Equal(7, attributed.AsInt64()); // the attribute is skipped, the value it describes returned
    }

    [Fact]
    public void EveryPrefixOfAFrame_IsIncomplete_ThenTheWholeParses()
    {
        var wire = Encoding.UTF8.GetBytes("*4\r\n$3\r\nfoo\r\n:12\r\n%1\r\n+k\r\n$-1\r\n-ERR x\r\n");
        var reader = new RespReader();
        for (var length = 0; length < wire.Length; length++)
        {
            var prefix = new ReadOnlySequence<byte>(wire, 0, length);
            Assert.False(reader.TryRead(prefix, out _, out var consumed), $"a prefix of {length} bytes must be incomplete");
            Assert.Equal(prefix.Start, consumed);
        }

        Assert.True(reader.TryRead(new ReadOnlySequence<byte>(wire), out var value, out _));
        Assert.Equal(4, value.Items.Count);
        Assert.True(value.Items[3].IsError);
    }

    [Fact]
    public void FrameSplitAcrossSegments_Parses()
    {
        var wire = Encoding.UTF8.GetBytes("*2\r\n$11\r\nhello world\r\n:7\r\n");
        for (var split = 1; split < wire.Length; split++)
        {
            var sequence = Segments.Of(wire[..split], wire[split..]);
            Assert.True(new RespReader().TryRead(sequence, out var value, out var consumed), $"split at {split}");
            Assert.Equal("hello world", value.Items[0].AsString());
            Assert.Equal(sequence.End, consumed);
        }
    }

    [Fact]
    public void TwoPipelinedReplies_ReadOneAtATime()
    {
        var bytes = Encoding.UTF8.GetBytes("+OK\r\n:5\r\n");
        var reader = new RespReader();
        var sequence = new ReadOnlySequence<byte>(bytes);

        Assert.True(reader.TryRead(sequence, out var first, out var after));
        Assert.True(reader.TryRead(sequence.Slice(after), out var second, out _));
        Assert.Equal("OK", first.AsString());
        Assert.Equal(5, second.AsInt64());
    }

    [Theory]
    [InlineData("?what\r\n", "unknown RESP type")]
    [InlineData(":12a\r\n", "decimal integer")]
    [InlineData("$3\r\nabcd\r\n", "CRLF")]
    [InlineData("$-2\r\n", "out of range")]
    [InlineData("*-5\r\n", "out of range")]
    [InlineData("+OK\rX", "CRLF")]
    [InlineData("#x\r\n", "boolean")]
    [InlineData("=3\r\nabc\r\n", "verbatim")]
    [InlineData("(12x\r\n", "big number")]
    [InlineData("_x\r\n", "null")]
    public void MalformedInput_ThrowsProtocolExceptionNamingTheProblem(string wire, string problem)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);

        var e = Assert.Throws<RespProtocolException>(() => new RespReader().TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeAnnouncedLengths_AreRefusedWithoutAllocating()
    {
        var reader = new RespReader(maxBulkLength: 1024, maxAggregateLength: 16);

        Assert.Throws<RespProtocolException>(() => reader.TryRead(new ReadOnlySequence<byte>("$1025\r\n"u8.ToArray()), out _, out _));
        Assert.Throws<RespProtocolException>(() => reader.TryRead(new ReadOnlySequence<byte>("*17\r\n"u8.ToArray()), out _, out _));
    }

    [Fact]
    public void NestingDeeperThanTheLimit_IsRefused()
    {
        var wire = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth + 2)) + ":1\r\n";

        Assert.Throws<RespProtocolException>(() => ReadOne(wire));
    }

    [Fact]
    public void Writer_WritesCommandsAsArraysOfBulkStrings()
    {
        var buffer = new ArrayBufferWriter<byte>();

        RespWriter.WriteCommand(buffer, ["SET", "key", 42, new byte[] { 0, 255 }]);

        Assert.Equal("*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$2\r\n42\r\n$2\r\n\0\xff\r\n", Encoding.Latin1.GetString(buffer.WrittenSpan));
    }
}
