using System.Net;
using Lantern.Configuration;
using Lantern.Sip.Messages;
using Lantern.Tests.Upstreams;

namespace Lantern.Tests.Peers;

/// <summary>Peers' NOTIFY and PUBLISH through a real SipStack: the exact responses on the wire.</summary>
public sealed class PeerSipGlueTests
{
    private static readonly IPEndPoint PeerAddress = new(IPAddress.Parse("192.0.2.1"), 5099);

    private static PeerOptions Peer() => new() { Name = "oldpbx", Match = ["192.0.2.1"], Mailbox = "4123" };

    private static string Request(string method, string callId, string extra, string body) => $"""
        {method} sip:4123@lantern.test SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1:5099;branch=z9hG4bK{callId}
        From: <sip:voicemail@192.0.2.1>;tag=p{callId}
        To: <sip:4123@lantern.test>
        Call-ID: {callId}
        CSeq: 1 {method}
        Max-Forwards: 70
        Event: message-summary
        {extra}Content-Type: application/simple-message-summary
        Content-Length: {body.Length}

        {body}
        """;

    private const string Body = "Messages-Waiting: yes\r\nVoice-Message: 3/8 (1/2)\r\n";

    [Fact]
    public async Task UnsolicitedNotify_FromPeer_200AndMailboxSet_FromElsewhere_403()
    {
        await using var h = await SipGlueHarness.StartAsync([], [Peer()]);

        h.Receive(Request("NOTIFY", "n1", "Subscription-State: terminated\r\n", Body), PeerAddress);
        using var ok = await h.NextAsync();
        h.Receive(Request("NOTIFY", "n2", string.Empty, Body), new IPEndPoint(IPAddress.Parse("192.0.2.99"), 5060));
        using var refused = await h.NextAsync();

        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(3, h.Find("4123@SIP_Remote")!.Counts.Voice.New);
        Assert.Equal(403, refused.StatusCode);
    }

    [Fact]
    public async Task Publish_Lifecycle_OnTheWire()
    {
        await using var h = await SipGlueHarness.StartAsync([], [Peer()]);

        h.Receive(Request("PUBLISH", "p1", "Expires: 30\r\n", Body), PeerAddress);
        using var brief = await h.NextAsync();
        h.Receive(Request("PUBLISH", "p2", "Expires: 600\r\n", Body), PeerAddress);
        using var created = await h.NextAsync();
        var eTag = created.GetHeader(SipHeaderId.SipETag);
        h.Receive(Request("PUBLISH", "p3", $"Expires: 0\r\nSIP-If-Match: {eTag}\r\n", string.Empty), PeerAddress);
        using var removed = await h.NextAsync();
        h.Receive(Request("PUBLISH", "p4", $"SIP-If-Match: {eTag}\r\n", string.Empty), PeerAddress);
        using var gone = await h.NextAsync();

        Assert.Equal(423, brief.StatusCode);
        Assert.Equal("60", brief.GetHeader(SipHeaderId.MinExpires));
        Assert.Equal(200, created.StatusCode);
        Assert.False(string.IsNullOrEmpty(eTag));
        Assert.Equal("600", created.GetHeader(SipHeaderId.Expires));
        Assert.Equal(200, removed.StatusCode);
        Assert.True(h.Find("4123@SIP_Remote")!.PublicationLapsed);
        Assert.Equal(412, gone.StatusCode);
    }

    [Fact]
    public async Task Notify_OtherEvent_489WithAllowEvents()
    {
        await using var h = await SipGlueHarness.StartAsync([], [Peer()]);

        h.Receive(Request("NOTIFY", "e1", string.Empty, Body).Replace("Event: message-summary", "Event: dialog", StringComparison.Ordinal), PeerAddress);
        using var response = await h.NextAsync();

        Assert.Equal(489, response.StatusCode);
        Assert.Contains("message-summary", response.GetHeader(SipHeaderId.AllowEvents), StringComparison.Ordinal);
    }
}
