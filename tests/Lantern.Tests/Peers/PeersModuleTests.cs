using Lantern.Mailboxes;
using Lantern.Sip.Auth;

namespace Lantern.Tests.Peers;

public sealed class PeersModuleTests
{
    private static readonly MessageCounts Sent = new(3, 8, 1, 2);

    [Fact]
    public async Task Notify_FromMatchingAddress_200AndMailboxSetWithPeerSource()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("oldpbx", "4123", "192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10"));

        Assert.Equal(200, response.StatusCode);
        var mailbox = h.Find("4123@SIP_Remote");
        Assert.NotNull(mailbox);
        Assert.Equal(Sent, mailbox.Counts.Voice);
        Assert.Equal(MailboxSource.Peer("oldpbx"), mailbox.Source);
    }

    [Fact]
    public async Task Notify_FromUnknownAddress_403AndNothingWritten()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("oldpbx", "4123", "192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.11"));

        Assert.Equal(403, response.StatusCode);
        Assert.Contains("unknown source", response.Reason, StringComparison.Ordinal);
        Assert.Null(h.Find("4123@SIP_Remote"));
    }

    [Theory]
    [InlineData("198.51.100.0/24", "198.51.100.200", true)]
    [InlineData("198.51.100.0/24", "198.51.101.1", false)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("2001:db8::/32", "2001:db9::5", false)]
    [InlineData("192.0.2.10", "::ffff:192.0.2.10", true)]
    [InlineData("::1", "::1", true)]
    public async Task Notify_MatchesAddressesAndRanges(string match, string source, bool accepted)
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", match));

        var response = await h.SendAsync(PeersHarness.Notify(source));

        Assert.Equal(accepted ? 200 : 403, response.StatusCode);
    }

    [Fact]
    public async Task Notify_HostNameMatch_ResolvedAtStart()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "oldpbx.example", "unknown.invalid"));

        Assert.Equal(200, (await h.SendAsync(PeersHarness.Notify("192.0.2.77"))).StatusCode);
        Assert.Equal(["192.0.2.77/32"], h.Module.GetPeers()[0].Networks);
    }

    [Fact]
    public async Task Notify_MostSpecificPeerWins()
    {
        await using var h = await PeersHarness.StartAsync(
            PeersHarness.Peer("wide", "1", "192.0.2.0/24"),
            PeersHarness.Peer("narrow", "2", "192.0.2.10/32"));

        await h.SendAsync(PeersHarness.Notify("192.0.2.10"));
        await h.SendAsync(PeersHarness.Notify("192.0.2.11"));

        Assert.Equal(MailboxSource.Peer("narrow"), h.Find("2@SIP_Remote")!.Source);
        Assert.Equal(MailboxSource.Peer("wide"), h.Find("1@SIP_Remote")!.Source);
    }

    [Fact]
    [Trait("RFC", "3261 22.2")]
    public async Task Notify_PeerWithCredentials_ChallengedThenAccepted()
    {
        var peer = PeersHarness.Peer("vm", "4123", "192.0.2.10");
        peer.Username = "vm";
        peer.Password = "pw";
        await using var h = await PeersHarness.StartAsync(peer);

        var challenge = await h.SendAsync(PeersHarness.Notify("192.0.2.10"));
        Assert.Equal(401, challenge.StatusCode);
        var offered = challenge.Headers.Where(x => x.Key == "WWW-Authenticate").Select(x => x.Value).ToList();
        Assert.Equal(2, offered.Count);
        Assert.Contains("SHA-256", offered[0], StringComparison.Ordinal);
        Assert.Null(h.Find("4123@SIP_Remote"));

        var best = DigestChallenge.SelectBest(offered)!;
        var authorization = DigestClient.CreateAuthorization(best, "NOTIFY", "sip:4123@lantern.test", "vm", "pw");
        var accepted = await h.SendAsync(PeersHarness.Notify("192.0.2.10", authorization: authorization));

        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal(Sent, h.Find("4123@SIP_Remote")!.Counts.Voice);
    }

    [Fact]
    public async Task Notify_WrongPassword_403AndNothingWritten()
    {
        var peer = PeersHarness.Peer("vm", "4123", "192.0.2.10");
        peer.Username = "vm";
        peer.Password = "pw";
        await using var h = await PeersHarness.StartAsync(peer);
        var challenge = await h.SendAsync(PeersHarness.Notify("192.0.2.10"));
        var best = DigestChallenge.SelectBest(challenge.Headers.Select(x => x.Value))!;

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10", authorization: DigestClient.CreateAuthorization(best, "NOTIFY", "sip:4123@lantern.test", "vm", "wrong")));

        Assert.Equal(403, response.StatusCode);
        Assert.Null(h.Find("4123@SIP_Remote"));
        Assert.Equal(1, h.Module.GetPeers()[0].Refused);
    }

    [Fact]
    [Trait("RFC", "6665 8.3.1")]
    public async Task Notify_OtherEvent_489WithAllowEvents()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10", eventHeader: "presence"));

        Assert.Equal(489, response.StatusCode);
        Assert.Equal("message-summary", response.Header("Allow-Events"));
    }

    [Fact]
    public async Task Notify_EventWithParametersAndOtherCase_Accepted()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));

        Assert.Equal(200, (await h.SendAsync(PeersHarness.Notify("192.0.2.10", eventHeader: "Message-Summary;id=7"))).StatusCode);
    }

    [Fact]
    public async Task Notify_BadBody_400NamingTheProblem_MailboxKeepsItsState()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));
        await h.SendAsync(PeersHarness.Notify("192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10", body: "Messages-Waiting: no\r\nVoice-Message: three/8\r\n"));

        Assert.Equal(400, response.StatusCode);
        Assert.StartsWith("Bad message-summary body: line 2: Voice-Message", response.Reason, StringComparison.Ordinal);
        Assert.Equal(Sent, h.Find("1@SIP_Remote")!.Counts.Voice);
        Assert.Equal(1, h.Find("1@SIP_Remote")!.Version);
    }

    [Fact]
    public async Task Notify_UrgentAboveNew_400NamingTheCounts()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10", body: "Messages-Waiting: yes\r\nVoice-Message: 1/0 (2/0)\r\n"));

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("urgent new count (2) exceeds new count (1)", response.Reason, StringComparison.Ordinal);
        Assert.Null(h.Find("1@SIP_Remote"));
    }

    [Fact]
    public async Task Notify_WithoutBody_400()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10", body: null));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Missing message-summary body", response.Reason);
    }

    [Fact]
    public async Task Notify_WrongContentType_415WithAccept()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10", contentType: "text/plain"));

        Assert.Equal(415, response.StatusCode);
        Assert.Equal("application/simple-message-summary", response.Header("Accept"));
    }

    [Fact]
    public async Task Notify_MailboxOwnedByApi_403()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));
        await h.Mailboxes.UpdateAsync(MailboxId.Parse("1@SIP_Remote"), MailboxSource.Api, MailboxUpdate.Replace(MailboxCounts.Empty), null, CancellationToken.None);

        var response = await h.SendAsync(PeersHarness.Notify("192.0.2.10"));

        Assert.Equal(403, response.StatusCode);
        Assert.Equal(MailboxCounts.Empty, h.Find("1@SIP_Remote")!.Counts);
    }

    [Fact]
    public async Task Apply_RemovedPeer_Refused_AddedPeer_Accepted()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("a", "1", "192.0.2.10"));

        await h.Module.ApplyAsync([PeersHarness.Peer("b", "2", "192.0.2.20")], CancellationToken.None);

        Assert.Equal(403, (await h.SendAsync(PeersHarness.Notify("192.0.2.10"))).StatusCode);
        Assert.Equal(200, (await h.SendAsync(PeersHarness.Notify("192.0.2.20"))).StatusCode);
        Assert.Equal(["b"], h.Module.GetPeers().Select(p => p.Name));
    }

    [Fact]
    public async Task GetPeers_ShowsCountsAndLastError()
    {
        await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));
        await h.SendAsync(PeersHarness.Notify("192.0.2.10"));
        await h.SendAsync(PeersHarness.Notify("192.0.2.10", eventHeader: "dialog"));

        var status = Assert.Single(h.Module.GetPeers());

        Assert.Equal(1, status.Accepted);
        Assert.Equal(1, status.Refused);
        Assert.Equal("NOTIFY: 489 Bad Event", status.LastError);
        Assert.Equal("1@SIP_Remote", status.Mailbox);
        Assert.NotNull(status.LastRequestAt);
    }
}
