using System.Globalization;
using Lantern.Configuration;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using Lantern.Status;

namespace Lantern.Tests.Upstreams;

/// <summary>The upstream subscriber through a real SipStack: what goes on the wire and how responses and NOTIFYs come back.</summary>
public sealed class UpstreamSipGlueTests
{
    private static UpstreamOptions Upstream()
    {
        Assert.True(UpstreamLine.TryParse("mwi:secret@192.0.2.1:5099/1001", out var options, out var error), error);
        return options;
    }

    private static SipMessageBuilder Answer(SipMessage request, int status, string? toTag = "srv1") =>
        SipMessageBuilder.ResponseTo(request, status, null, toTag);

    [Fact]
    public async Task Subscribe_Challenged_Authenticated_Active_ThenNotifySetsMailbox()
    {
        await using var h = await SipGlueHarness.StartAsync([Upstream()], []);
        var server = new DigestAuthenticator(new DigestServerOptions { Realm = "upstream.test", SecretKey = new byte[32] }, h.Time);

        using var first = await h.NextAsync();
        Assert.Equal("SUBSCRIBE sip:mwi@192.0.2.1:5099", first.MethodText + " " + first.RequestUriText);
        Assert.Equal("message-summary", first.GetHeader(SipHeaderId.Event));
        Assert.Null(first.ToTag);
        Assert.True(h.RequestDestinations.TryPeek(out var destination));
        Assert.Equal(SipGlueHarness.Server, destination.Remote);
        Assert.Contains("sip:mwi@198.51.100.1:5060", first.GetHeader(SipHeaderId.Contact), StringComparison.Ordinal);
        var challenge = Answer(first, 401);
        foreach (var c in server.CreateChallenges())
        {
            challenge.AddHeader(SipHeaderId.WwwAuthenticate, c);
        }

        h.Receive(challenge);
        using var second = await h.NextAsync();
        var check = server.Verify(second.GetHeader(SipHeaderId.Authorization), "SUBSCRIBE", u => u == "mwi" ? DigestSecret.FromPassword("secret") : null);
        Assert.True(check.Succeeded, check.Reason);
        Assert.Equal(first.CallId, second.CallId);

        h.Receive(Answer(second, 200).AddHeader(SipHeaderId.Expires, "600").AddHeader(SipHeaderId.Contact, "<sip:upstream@192.0.2.1:5099>"));
        h.Receive($"""
            NOTIFY sip:mwi@198.51.100.1:5060 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.1:5099;branch=z9hG4bKn1
            From: <sip:mwi@192.0.2.1:5099>;tag=srv1
            To: <sip:mwi@192.0.2.1>;tag={second.FromTag}
            Call-ID: {second.CallId}
            CSeq: 1 NOTIFY
            Event: message-summary
            Subscription-State: active;expires=600
            Content-Type: application/simple-message-summary
            Content-Length: 48

            Messages-Waiting: yes
            Voice-Message: 2/8 (0/2)

            """);
        using var ok = await h.NextAsync();

        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(new Lantern.Mailboxes.MessageCounts(2, 8, 0, 2), h.Find("1001@SIP_Remote")!.Counts.Voice);
        // The 200 travels through the client transaction while the NOTIFY goes straight in: either may land first.
        var status = await WaitAsync(h, s => s.State == UpstreamState.Active);
        Assert.Equal(600, status.GrantedExpires);
    }

    [Fact]
    public async Task Refresh_GoesToTheRemoteTargetInDialog()
    {
        await using var h = await SipGlueHarness.StartAsync([Upstream()], []);
        using var first = await h.NextAsync();
        h.Receive(Answer(first, 200).AddHeader(SipHeaderId.Expires, "100").AddHeader(SipHeaderId.Contact, "<sip:upstream@192.0.2.1:5099>"));
        await WaitAsync(h, s => s.State == UpstreamState.Active && s.NextAttemptAt is not null);

        h.Time.Advance(TimeSpan.FromSeconds(85));
        using var refresh = await h.NextAsync();

        Assert.Equal("sip:upstream@192.0.2.1:5099", refresh.RequestUriText);
        Assert.Equal("srv1", refresh.ToTag);
        Assert.Equal(first.CallId, refresh.CallId);
        Assert.Equal(first.CSeq.Number + 1, refresh.CSeq.Number);
    }

    [Fact]
    public async Task Notify_UnknownDialog_481_BadBody_400()
    {
        await using var h = await SipGlueHarness.StartAsync([Upstream()], []);
        using var first = await h.NextAsync();
        h.Receive(Answer(first, 200).AddHeader(SipHeaderId.Expires, "600"));
        await WaitAsync(h, s => s.State == UpstreamState.Active);

        h.Receive(Notify("no-such-call", "x", 1, "Messages-Waiting: yes\r\n"));
        using var unknown = await h.NextAsync();
        h.Receive(Notify(first.CallId, first.FromTag!, 2, "Messages-Waiting: maybe\r\n"));
        using var bad = await h.NextAsync();

        Assert.Equal(481, unknown.StatusCode);
        Assert.Equal(400, bad.StatusCode);
        Assert.StartsWith("Bad message-summary body", bad.ReasonPhrase, StringComparison.Ordinal);
        Assert.Null(h.Find("1001@SIP_Remote"));
    }

    [Fact]
    public async Task ServerError_RetryVisibleInStatus()
    {
        await using var h = await SipGlueHarness.StartAsync([Upstream()], []);
        using var first = await h.NextAsync();

        h.Receive(Answer(first, 500));

        var status = await WaitAsync(h, s => s.State == UpstreamState.Retrying);
        Assert.Equal("500 Server Internal Error", status.LastError);
        Assert.InRange(status.NextAttemptAt!.Value, h.Time.GetUtcNow().AddSeconds(4), h.Time.GetUtcNow().AddSeconds(6));
    }

    internal static string Notify(string callId, string toTag, int cseq, string body) => string.Create(CultureInfo.InvariantCulture, $"""
        NOTIFY sip:mwi@198.51.100.1:5060 SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1:5099;branch=z9hG4bKn{cseq}{callId.GetHashCode(StringComparison.Ordinal)}
        From: <sip:mwi@192.0.2.1:5099>;tag=srv1
        To: <sip:mwi@192.0.2.1>;tag={toTag}
        Call-ID: {callId}
        CSeq: {cseq} NOTIFY
        Event: message-summary
        Subscription-State: active
        Content-Type: application/simple-message-summary
        Content-Length: {body.Length}

        {body}
        """);

    private static async Task<UpstreamStatus> WaitAsync(SipGlueHarness h, Func<UpstreamStatus, bool> predicate)
    {
        var done = new TaskCompletionSource<UpstreamStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(UpstreamStatus s)
        {
            if (predicate(s))
            {
                done.TrySetResult(s);
            }
        }

        h.Upstreams.StatusChanged += OnChange;
        try
        {
            foreach (var s in h.Upstreams.GetUpstreams())
            {
                OnChange(s);
            }

            return await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            h.Upstreams.StatusChanged -= OnChange;
        }
    }
}
