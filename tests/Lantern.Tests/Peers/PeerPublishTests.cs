using Lantern.Mailboxes;
using Lantern.Peers;

namespace Lantern.Tests.Peers;

[Trait("RFC", "3903")]
public sealed class PeerPublishTests
{
    private const string Source = "192.0.2.10";
    private const string Box = "4123@SIP_Remote";

    private static Task<PeersHarness> StartAsync(bool allowPublish = true)
    {
        var peer = PeersHarness.Peer("oldpbx", "4123", Source);
        peer.AllowPublish = allowPublish;
        return PeersHarness.StartAsync(peer);
    }

    [Fact]
    public async Task Initial_200WithETagAndGrantedExpires_MailboxSet()
    {
        await using var h = await StartAsync();

        var response = await h.SendAsync(PeersHarness.Publish(Source));

        Assert.Equal(200, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(response.Header("SIP-ETag")));
        Assert.Equal("3600", response.Header("Expires"));
        Assert.Equal(new MessageCounts(3, 8, 1, 2), h.Find(Box)!.Counts.Voice);
        Assert.Equal(1, h.Module.GetPeers()[0].Publications);
    }

    [Fact]
    public async Task Initial_WithoutExpires_GetsDefault_AboveMax_Lowered()
    {
        await using var h = await StartAsync();

        Assert.Equal("3600", (await h.SendAsync(PeersHarness.Publish(Source, expires: null))).Header("Expires"));
        Assert.Equal("7200", (await h.SendAsync(PeersHarness.Publish(Source, expires: "99999"))).Header("Expires"));
    }

    [Fact]
    public async Task ExpiresBelowMin_423WithMinExpires()
    {
        await using var h = await StartAsync();

        var response = await h.SendAsync(PeersHarness.Publish(Source, expires: "10"));

        Assert.Equal(423, response.StatusCode);
        Assert.Equal("60", response.Header("Min-Expires"));
        Assert.Null(h.Find(Box));
    }

    [Fact]
    public async Task MalformedExpires_400()
    {
        await using var h = await StartAsync();

        var response = await h.SendAsync(PeersHarness.Publish(Source, expires: "soon"));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Malformed Expires", response.Reason);
    }

    [Fact]
    public async Task InitialWithoutBody_400()
    {
        await using var h = await StartAsync();

        var response = await h.SendAsync(PeersHarness.Publish(Source, body: null));

        Assert.Equal(400, response.StatusCode);
    }

    [Fact]
    public async Task UnknownIfMatch_412()
    {
        await using var h = await StartAsync();

        var response = await h.SendAsync(PeersHarness.Publish(Source, body: null, ifMatch: "nope"));

        Assert.Equal(412, response.StatusCode);
    }

    [Fact]
    public async Task Refresh_NewETag_OldOneGone_ExpiryExtended()
    {
        await using var h = await StartAsync();
        var first = (await h.SendAsync(PeersHarness.Publish(Source, expires: "100"))).Header("SIP-ETag");
        h.Time.Advance(TimeSpan.FromSeconds(90));

        var refresh = await h.SendAsync(PeersHarness.Publish(Source, body: null, expires: "100", ifMatch: first));

        Assert.Equal(200, refresh.StatusCode);
        var second = refresh.Header("SIP-ETag");
        Assert.NotEqual(first, second);
        Assert.Equal(412, (await h.SendAsync(PeersHarness.Publish(Source, body: null, ifMatch: first))).StatusCode);
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(100), h.Module.GetPeers()[0].PublicationExpiresAt);

        // The first publication's timer (due at 100 s) must not lapse the refreshed one.
        h.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(200, (await h.SendAsync(PeersHarness.Publish(Source, body: null, expires: "100", ifMatch: second))).StatusCode);
        Assert.False(h.Find(Box)!.PublicationLapsed);
    }

    [Fact]
    public async Task Modify_WithBody_UpdatesMailbox()
    {
        await using var h = await StartAsync();
        var eTag = (await h.SendAsync(PeersHarness.Publish(Source))).Header("SIP-ETag");

        var response = await h.SendAsync(PeersHarness.Publish(Source, body: "Messages-Waiting: no\r\nVoice-Message: 0/11 (0/0)\r\n", ifMatch: eTag));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(new MessageCounts(0, 11, 0, 0), h.Find(Box)!.Counts.Voice);
    }

    [Fact]
    public async Task Remove_Expires0_KeepsCountsAndMarksLapsed()
    {
        await using var h = await StartAsync();
        var eTag = (await h.SendAsync(PeersHarness.Publish(Source))).Header("SIP-ETag");

        var response = await h.SendAsync(PeersHarness.Publish(Source, body: null, expires: "0", ifMatch: eTag));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("0", response.Header("Expires"));
        var mailbox = h.Find(Box)!;
        Assert.True(mailbox.PublicationLapsed);
        Assert.Equal(new MessageCounts(3, 8, 1, 2), mailbox.Counts.Voice);
        Assert.Equal(0, h.Module.GetPeers()[0].Publications);
    }

    [Fact]
    public async Task Expiry_WithoutRefresh_LapsesKeepingCounts_ThenNewPublishClearsIt()
    {
        await using var h = await StartAsync();
        await h.SendAsync(PeersHarness.Publish(Source, expires: "100"));
        using var changes = h.Mailboxes.Changes.Subscribe();

        h.Time.Advance(TimeSpan.FromSeconds(100));
        var change = await changes.ReadAsync(CancellationToken.None).AsTask().WaitAsync(PeersHarness.Deadline);

        Assert.True(change.Mailbox.PublicationLapsed);
        Assert.Equal(new MessageCounts(3, 8, 1, 2), change.Mailbox.Counts.Voice);
        Assert.Equal(200, (await h.SendAsync(PeersHarness.Publish(Source))).StatusCode);
        Assert.False(h.Find(Box)!.PublicationLapsed);
    }

    [Fact]
    public async Task Expiry_OneOfTwoPublications_DoesNotLapse()
    {
        await using var h = await StartAsync();
        await h.SendAsync(PeersHarness.Publish(Source, expires: "100"));
        await h.SendAsync(PeersHarness.Publish(Source, expires: "1000"));

        h.Time.Advance(TimeSpan.FromSeconds(100));
        await h.SendAsync(PeersHarness.Publish(Source, body: null, ifMatch: "flush-the-queue"));

        Assert.False(h.Find(Box)!.PublicationLapsed);
        Assert.Equal(1, h.Module.GetPeers()[0].Publications);
    }

    [Fact]
    public async Task Table_IsBounded_OldestEvicted()
    {
        await using var h = await StartAsync();
        var first = (await h.SendAsync(PeersHarness.Publish(Source))).Header("SIP-ETag");
        for (var i = 0; i < PeerAgent.MaxPublications; i++)
        {
            Assert.Equal(200, (await h.SendAsync(PeersHarness.Publish(Source))).StatusCode);
        }

        Assert.Equal(PeerAgent.MaxPublications, h.Module.GetPeers()[0].Publications);
        Assert.Equal(412, (await h.SendAsync(PeersHarness.Publish(Source, body: null, ifMatch: first))).StatusCode);
    }

    [Fact]
    public async Task NotAllowedForPeer_403()
    {
        await using var h = await StartAsync(allowPublish: false);

        Assert.Equal(403, (await h.SendAsync(PeersHarness.Publish(Source))).StatusCode);
        Assert.Null(h.Find(Box));
    }

    [Fact]
    public async Task FromUnknownSource_403()
    {
        await using var h = await StartAsync();

        Assert.Equal(403, (await h.SendAsync(PeersHarness.Publish("203.0.113.1"))).StatusCode);
    }
}
