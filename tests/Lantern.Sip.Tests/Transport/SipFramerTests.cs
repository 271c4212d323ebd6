using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipFramerTests
{
    private static readonly string[] Messages =
    [
        "NOTIFY sip:1001@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bK1\r\nContent-Length: 5\r\n\r\nhello",
        "SIP/2.0 200 OK\r\nl: 0\r\nCall-ID: a\r\n\r\n",
        "OPTIONS sip:x SIP/2.0\r\ncontent-LENGTH :\r\n  3\r\nX: y\r\n\r\nabc",
        "SUBSCRIBE sip:y SIP/2.0\r\nVia: a\r\n b\r\nL:12\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n",
    ];

    private static byte[] Stream(int count, bool straysAndPings)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (straysAndPings && i % 3 == 1)
            {
                sb.Append("\r\n");
            }

            sb.Append(Messages[i % Messages.Length]);
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Feeds the stream cut at <paramref name="cuts"/>, framing after every arrival as a connection does.</summary>
    private static List<string> FrameAll(byte[] stream, IEnumerable<int> cuts, out int pings, out SipFramerError error)
    {
        var bounds = cuts.Where(c => c > 0 && c < stream.Length).Distinct().Order().Append(stream.Length).ToList();
        var pending = new List<byte[]>();
        var messages = new List<string>();
        pings = 0;
        error = SipFramerError.None;
        var from = 0;
        foreach (var to in bounds)
        {
            pending.Add(stream[from..to]);
            from = to;
            var buffer = ChunkedSequence.Create(pending);
            while (true)
            {
                var status = SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out var message, out error);
                if (status == SipFramerStatus.Message)
                {
                    messages.Add(Encoding.ASCII.GetString(message.ToArray()));
                }
                else if (status == SipFramerStatus.Ping)
                {
                    pings++;
                }
                else if (status == SipFramerStatus.Error)
                {
                    return messages;
                }
                else
                {
                    break;
                }
            }

            pending.Clear();
            foreach (var segment in buffer)
            {
                if (!segment.IsEmpty)
                {
                    pending.Add(segment.ToArray());
                }
            }
        }

        return messages;
    }

    private static List<string> Expected(int count) => Enumerable.Range(0, count).Select(i => Messages[i % Messages.Length]).ToList();

    [Fact]
    public void TryRead_EverySplitPoint_SameMessages()
    {
        var stream = Stream(8, straysAndPings: true);
        var expected = Expected(8);
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var got = FrameAll(stream, [cut], out _, out var error);
            Assert.Equal(SipFramerError.None, error);
            Assert.Equal(expected, got);
        }
    }

    [Fact]
    public void TryRead_ByteByByte_SameMessages()
    {
        var stream = Stream(6, straysAndPings: true);
        var got = FrameAll(stream, Enumerable.Range(1, stream.Length), out _, out var error);
        Assert.Equal(SipFramerError.None, error);
        Assert.Equal(Expected(6), got);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property TryRead_RandomCuts_SameMessages(PositiveInt count, int[] cuts)
    {
        var n = (count.Get % 16) + 1;
        var stream = Stream(n, straysAndPings: true);
        var got = FrameAll(stream, cuts.Select(c => Math.Abs(c % (stream.Length + 1))), out _, out var error);
        return (error == SipFramerError.None && got.SequenceEqual(Expected(n))).ToProperty();
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property TryRead_ArbitraryBytes_NeverThrows(byte[] bytes, int[] cuts)
    {
        FrameAll(bytes, cuts.Select(c => Math.Abs(c % (bytes.Length + 1))), out _, out _);
        return true.ToProperty();
    }

    [Fact]
    public void TryRead_EveryPrefix_NeedMoreAndNothingConsumed()
    {
        var message = Encoding.ASCII.GetBytes(Messages[0]);
        for (var length = 0; length < message.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(message, 0, length);
            var status = SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out var error);
            Assert.Equal(SipFramerStatus.NeedMore, status);
            Assert.Equal(SipFramerError.None, error);
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void TryRead_CrlfCrlf_PingConsumesFourBytes()
    {
        var buffer = new ReadOnlySequence<byte>("\r\n\r\nOPTIONS"u8.ToArray());
        Assert.Equal(SipFramerStatus.Ping, SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out _));
        Assert.Equal(7, buffer.Length);
    }

    [Fact]
    public void TryRead_PingsBetweenMessages_Counted()
    {
        var stream = Encoding.ASCII.GetBytes(Messages[1] + "\r\n\r\n" + Messages[1] + "\r\n\r\n\r\n\r\n");
        var got = FrameAll(stream, [3, 40, 41], out var pings, out _);
        Assert.Equal(2, got.Count);
        Assert.Equal(3, pings);
    }

    [Theory]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nVia: x\r\n\r\nbody", SipFramerError.MissingContentLength)]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nContent-Length: 1x\r\n\r\n", SipFramerError.MalformedContentLength)]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n", SipFramerError.MalformedContentLength)]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nContent-Length:\r\n\r\n", SipFramerError.MalformedContentLength)]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\n", SipFramerError.ConflictingContentLength)]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nContent-Length: 16385\r\n\r\n", SipFramerError.BodyTooLarge)]
    [InlineData("MESSAGE sip:a SIP/2.0\r\nContent-Length: 99999999999999999999999\r\n\r\n", SipFramerError.BodyTooLarge)]
    public void TryRead_BadHeaders_Error(string text, SipFramerError expected)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        var status = SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out var headers, out var error);
        Assert.Equal(SipFramerStatus.Error, status);
        Assert.Equal(expected, error);
        Assert.True(headers.Length > 0);
        Assert.NotEqual("OK", error.ReasonPhrase());
    }

    [Fact]
    public void TryRead_NoHeaderEndWithinLimit_HeaderSectionTooLarge()
    {
        var bytes = Encoding.ASCII.GetBytes("MESSAGE sip:a SIP/2.0\r\nX: " + new string('a', 16 * 1024));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(SipFramerStatus.Error, SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out var error));
        Assert.Equal(SipFramerError.HeaderSectionTooLarge, error);
        Assert.Equal(513, error.StatusCode());
    }

    [Fact]
    public void TryRead_HeadersPlusBodyOverMessageLimit_MessageTooLarge()
    {
        var limits = new SipFramerLimits { MaxMessageBytes = 100 };
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("MESSAGE sip:a SIP/2.0\r\nContent-Length: 90\r\n\r\n"));
        Assert.Equal(SipFramerStatus.Error, SipFramer.TryRead(ref buffer, limits, out _, out var error));
        Assert.Equal(SipFramerError.MessageTooLarge, error);
    }

    [Fact]
    public void TryRead_LargeDeclaredLengthWithoutBytes_NeedMoreWithoutAllocatingIt()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("MESSAGE sip:a SIP/2.0\r\nContent-Length: 16000\r\n\r\n"));
        SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var needMore = 0;
        for (var i = 0; i < 1000; i++)
        {
            needMore += SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out _) == SipFramerStatus.NeedMore ? 1 : 0;
        }

        Assert.Equal(1000, needMore);

        // A one-off warm-up allocation may show; 1000 reads must not allocate per read, let alone 16,000 bytes.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1000);
        Assert.Equal(SipFramerStatus.NeedMore, SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out _));
    }
}
