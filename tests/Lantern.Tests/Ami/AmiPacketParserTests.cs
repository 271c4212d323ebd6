using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lantern.Ami;

namespace Lantern.Tests.Ami;

public sealed class AmiPacketParserTests
{
    [Fact]
    public void TryRead_CompletePacket_ParsesKeysAndConsumesIt()
    {
        var buffer = Seq("Action: Ping\r\nActionID:  42 \r\n\r\nAction: Next");
        Assert.Equal(AmiParseStatus.Packet, AmiPacketParser.TryRead(ref buffer, out var packet));
        Assert.Equal("Ping", packet!.Get("action"));
        Assert.Equal("42", packet.ActionId);
        Assert.Equal("Action: Next", Encoding.UTF8.GetString(buffer));
        Assert.Equal(AmiParseStatus.NeedMoreData, AmiPacketParser.TryRead(ref buffer, out _));
    }

    [Fact]
    public void TryRead_EveryPrefix_NeedsMoreDataAndConsumesNothingOfThePacket()
    {
        const string text = "Action: MWIUpdate\r\nMailbox: 1001\r\nNewMessages: 1\r\n\r\n";
        for (var i = 0; i < text.Length - 1; i++)
        {
            var buffer = Seq(text[..i]);
            var before = buffer.Length;
            Assert.Equal(AmiParseStatus.NeedMoreData, AmiPacketParser.TryRead(ref buffer, out _));
            Assert.Equal(before, buffer.Length);
        }
    }

    [Fact]
    public void TryRead_LineWithoutColon_IgnoredButCounted()
    {
        var buffer = Seq("garbage\r\nAction: Ping\r\n\r\n");
        Assert.Equal(AmiParseStatus.Packet, AmiPacketParser.TryRead(ref buffer, out var packet));
        Assert.Single(packet!.Fields);
    }

    [Fact]
    public void TryRead_UnterminatedOverLimit_TooLarge()
    {
        var buffer = Seq("X: " + new string('a', AmiLimits.MaxPacketBytes));
        Assert.Equal(AmiParseStatus.TooLarge, AmiPacketParser.TryRead(ref buffer, out _));
    }

    [Fact]
    public void TryRead_ExactlyAtLimit_Accepted()
    {
        var line = "Action: Ping\r\nX: ";
        var text = line + new string('a', AmiLimits.MaxPacketBytes - line.Length - 4) + "\r\n\r\n";
        Assert.Equal(AmiLimits.MaxPacketBytes, text.Length);
        var buffer = Seq(text);
        Assert.Equal(AmiParseStatus.Packet, AmiPacketParser.TryRead(ref buffer, out _));
        var over = Seq(line + new string('a', AmiLimits.MaxPacketBytes - line.Length - 3) + "\r\n\r\n");
        Assert.Equal(AmiParseStatus.TooLarge, AmiPacketParser.TryRead(ref over, out _));
    }

    [Property(MaxTest = 500)]
    public bool TryRead_ArbitraryBytes_NeverThrowsAndAlwaysProgresses(byte[] bytes, NonNegativeInt split)
    {
        // Also split across two segments, as a pipe delivers them.
        var buffer = Segmented(bytes ?? [], split.Get);
        for (var i = 0; i < 10_000; i++)
        {
            var before = buffer.Length;
            var status = AmiPacketParser.TryRead(ref buffer, out var packet);
            if (status != AmiParseStatus.Packet)
            {
                return true;
            }

            if (packet is null || buffer.Length >= before)
            {
                return false;
            }
        }

        return false;
    }

    [Property(MaxTest = 200)]
    public Property TryRead_PacketsCutAnywhere_SameFields(NonNegativeInt cut)
    {
        const string text = "Action: A\r\nK: 1\r\n\r\nAction: B\nK: 2\n\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = cut.Get % (bytes.Length + 1);
        var buffer = Segmented(bytes, at);
        var actions = new List<string?>();
        while (AmiPacketParser.TryRead(ref buffer, out var p) == AmiParseStatus.Packet)
        {
            actions.Add(p!.Action + p.Get("K"));
        }

        return (actions.SequenceEqual(["A1", "B2"]) && buffer.IsEmpty).ToProperty();
    }

    private static ReadOnlySequence<byte> Seq(string text) => new(Encoding.UTF8.GetBytes(text));

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int split)
    {
        var at = bytes.Length == 0 ? 0 : split % (bytes.Length + 1);
        if (at == 0 || at == bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, at), 0);
        var last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
