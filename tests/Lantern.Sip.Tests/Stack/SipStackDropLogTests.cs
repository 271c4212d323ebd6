using System.Text;
using Lantern.Sip.Stack;
using Lantern.Sip.Tests.Torture;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Tests.Stack;

/// <summary>A message dropped unanswered is counted and logged at Debug with its reason; a flood of them is throttled.</summary>
public sealed class SipStackDropLogTests
{
    private const int DropEventId = 2200;

    [Theory]
    [InlineData("OPTIONS sip:x@example.com SIP/2.0\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:x@example.com>\r\nCall-ID: nv\r\nCSeq: 1 OPTIONS\r\n\r\n", "a request", "Missing Via")]
    [InlineData("OPTIONS sip:x@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnc\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:x@example.com>\r\nCall-ID: nc\r\n\r\n", "a request", "Missing CSeq")]
    [InlineData("HELLO\r\n\r\n", "a message", "Malformed Start Line")]
    [InlineData("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKstray\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:x@example.com>;tag=2\r\nCall-ID: stray\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", "a response", "200 to OPTIONS matches no client transaction")]
    public void Drop_CountedAndLoggedAtDebugWithReason(string datagram, string what, string reason)
    {
        var log = new RecordingLogger();
        using var h = new SipStackHarness(logger: log);
        h.Stack.OnMessage(Encoding.ASCII.GetBytes(datagram), new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
        Assert.Empty(h.Transport.Sent);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
        var entry = Assert.Single(log.Entries, e => e.Id.Id == DropEventId);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains($"Dropped {what} from {SipStackHarness.Phone}", entry.Text, StringComparison.Ordinal);
        Assert.Contains(reason, entry.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scalarlg")]
    [InlineData("bigcode")]
    [InlineData("bcast")]
    public void DiscardedTortureMessage_LoggedWithReason(string name)
    {
        var log = new RecordingLogger();
        using var h = new SipStackHarness(logger: log);
        h.Stack.OnMessage(TortureCorpus.Bytes(TortureManifest.Get(name)), new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
        Assert.Equal(1, h.Stack.Statistics.Dropped);
        var entry = Assert.Single(log.Entries, e => e.Id.Id == DropEventId);
        Assert.Matches("unanswered: [A-Z0-9]", entry.Text);
    }

    [Fact]
    public void Flood_EveryDropCounted_LogThrottledAndLeftOutCountReported()
    {
        var log = new RecordingLogger();
        using var h = new SipStackHarness(logger: log);
        var garbage = Encoding.ASCII.GetBytes("HELLO\r\n\r\n");
        var source = new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0);
        for (var i = 0; i < 1000; i++)
        {
            h.Stack.OnMessage(garbage, source);
        }

        Assert.Equal(1000, h.Stack.Statistics.Dropped);
        Assert.Equal(SipDropLog.PerSecond, log.Entries.Count(e => e.Id.Id == DropEventId));

        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Stack.OnMessage(garbage, source);
        var last = log.Entries[^1];
        Assert.Equal(SipDropLog.PerSecond + 1, log.Entries.Count(e => e.Id.Id == DropEventId));
        Assert.Contains($"({1000 - SipDropLog.PerSecond} more drops left out", last.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void DebugOff_NothingLogged_StillCounted()
    {
        var log = new RecordingLogger { MinimumLevel = LogLevel.Information };
        using var h = new SipStackHarness(logger: log);
        h.Stack.OnMessage(Encoding.ASCII.GetBytes("HELLO\r\n\r\n"), new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
        Assert.Equal(1, h.Stack.Statistics.Dropped);
        Assert.Empty(log.Entries);
    }
}
