using Lantern.Mailboxes;

namespace Lantern.Tests.Ami;

public sealed class AmiRobustnessTests
{
    [Fact]
    public async Task OversizedPacket_ErrorNamingLimitThenClose_OtherSessionUnaffected()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var other = await host.LoginAsync(events: false);
        await using var client = await host.LoginAsync(events: false);
        await client.SendRawAsync("Action: Ping\r\nX: " + new string('a', 70_000) + "\r\n\r\n");
        var reply = await client.ReadAsync();
        Assert.Equal("Error", reply["Response"]);
        Assert.Contains("65536 bytes", reply["Message"], StringComparison.Ordinal);
        Assert.True(await client.ClosedAsync());
        Assert.Equal("Pong", (await other.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task TooManyKeys_ErrorNamingLimitThenClose()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var other = await host.LoginAsync(events: false);
        await using var client = await host.ConnectAsync();
        var lines = Enumerable.Range(0, 129).Select(i => $"K{i}: v").Prepend("Action: Ping").ToArray();
        var reply = await client.ActionAsync(lines);
        Assert.Equal("Error", reply["Response"]);
        Assert.Contains("128 keys", reply["Message"], StringComparison.Ordinal);
        Assert.True(await client.ClosedAsync());
        Assert.Equal("Pong", (await other.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task MaxKeys_Exactly128_Accepted()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync(events: false);
        var lines = Enumerable.Range(0, 127).Select(i => $"K{i}: v").Prepend("Action: Ping").ToArray();
        Assert.Equal("Pong", (await client.ActionAsync(lines))["Ping"]);
    }

    [Fact]
    public async Task BareLineFeeds_AndCaseInsensitiveKeys_Accepted()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendRawAsync("\n\nACTION: login\nusername:admin\nSECRET:   " + AmiTestHost.Secret + "\nactionid: lf\n\n");
        var reply = await client.ReadAsync();
        Assert.Equal(("Success", "lf"), (reply["Response"], reply["ActionID"]));
    }

    [Fact]
    public async Task GarbageBytes_AffectOnlyThatSession()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var other = await host.LoginAsync();
        await using var garbage = await host.ConnectAsync();
        var bytes = new byte[20_000];
        new Random(42).NextBytes(bytes);
        await garbage.SendRawAsync(bytes);
        await garbage.SendRawAsync("\r\n\r\n");

        await AmiServerTests.Set(host, "1001", 1, 0);
        Assert.Equal("1001@default", (await other.ReadAsync())["Mailbox"]);
        Assert.Equal("Pong", (await other.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task SlowReader_QueueOverflow_DroppedWhileOthersKeepReceiving()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.OutboundQueueLimit = 1000);
        await using var healthy = await host.LoginAsync();
        await using var slow = await AmiTestClient.ConnectAsync(host.EndPoint, receiveBufferSize: 1024);
        await slow.SendAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret);
        Assert.Equal("Success", (await slow.ReadAsync())["Response"]);
        Assert.Equal(2, host.Server.SessionCount);

        // The slow client never reads again; enough changes fill its socket buffers and then its queue, while the healthy
        // client reads each burst of 500 (below its queue bound) before the next one.
        var healthyReads = 0;
        for (var batch = 0; batch < 400 && host.Server.SessionCount == 2; batch++)
        {
            var items = Enumerable.Range(0, 500)
                // Old messages only: the MWI devices stay NOT_INUSE, so every event is a MessageWaiting.
                .Select(i => new MailboxBatchItem(MailboxId.Parse($"{i}@load"), MailboxUpdate.SetClass(MessageClass.Voice, 0, batch + 1, 0, 0)))
                .ToList();
            Assert.True((await host.Mailboxes.UpdateBatchAsync(items, MailboxSource.Api, CancellationToken.None)).Applied);
            for (var i = 0; i < 500; i++)
            {
                Assert.Equal("MessageWaiting", (await healthy.ReadAsync())["Event"]);
                healthyReads++;
            }
        }

        Assert.Equal(1, host.Server.SessionCount);
        Assert.True(healthyReads > 0);
        Assert.Equal("Pong", (await healthy.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task Connections_OverMaxConnections_ClosedOnAccept()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.MaxConnections = 1);
        await using var first = await host.ConnectAsync();
        await Assert.ThrowsAnyAsync<IOException>(async () => await host.ConnectAsync());
        Assert.Equal("Permission denied", (await first.ActionAsync("Action: Ping"))["Message"]);
    }

    [Fact]
    public async Task NoLogin_AfterAuthTimeout_Closed_LoggedInSessionKept()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.AuthTimeoutSeconds = 10);
        await using var anonymous = await host.ConnectAsync();
        await using var user = await host.LoginAsync(events: false);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await anonymous.ClosedAsync());
        Assert.Equal("Pong", (await user.ActionAsync("Action: Ping"))["Ping"]);
    }

    [Fact]
    public async Task Connections_OverAuthLimit_ClosedOnAccept_LoginFreesTheSlot()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.AuthLimit = 1);
        await using var first = await host.ConnectAsync();
        await Assert.ThrowsAnyAsync<IOException>(async () => await host.ConnectAsync());
        Assert.Equal("Success", (await first.ActionAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret))["Response"]);
        await using var second = await host.ConnectAsync();
        Assert.StartsWith("Asterisk Call Manager/", second.Banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousConnections_FromOneAddress_LeaveRoomForOperatorsElsewhere()
    {
        await using var host = await AmiTestHost.StartAsync(o => o.AuthLimit = 50);
        var attacker = System.Net.IPAddress.Parse("127.0.0.2");
        var held = new List<AmiTestClient>();
        try
        {
            // One client tries to hold all 50 places without logging in: it gets its per-address share only.
            for (var i = 0; i < 50; i++)
            {
                try
                {
                    held.Add(await host.ConnectAsync(local: attacker));
                }
                catch (IOException)
                {
                    // Refused on accept.
                }
            }

            Assert.Equal(host.Options.AuthLimitPerAddress, held.Count);
            await using var operatorClient = await host.ConnectAsync();
            Assert.Equal("Success", (await operatorClient.ActionAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret))["Response"]);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AnonymousConnections_NearTheCeiling_OnlyNewAddressesGetIn()
    {
        await using var host = await AmiTestHost.StartAsync(o =>
        {
            o.AuthLimit = 10;
            o.AuthLimitPerAddress = 4;
        });
        var held = new List<AmiTestClient>();
        try
        {
            // Two addresses take 8 of 10: the last fifth (2) is kept for addresses holding none.
            foreach (var address in new[] { "127.0.0.2", "127.0.0.3" })
            {
                for (var i = 0; i < 4; i++)
                {
                    held.Add(await host.ConnectAsync(local: System.Net.IPAddress.Parse(address)));
                }
            }

            await Assert.ThrowsAnyAsync<IOException>(async () => await host.ConnectAsync(local: System.Net.IPAddress.Parse("127.0.0.2")));
            held.Add(await host.ConnectAsync(local: System.Net.IPAddress.Parse("127.0.0.4")));
            held.Add(await host.ConnectAsync(local: System.Net.IPAddress.Parse("127.0.0.5")));
            await Assert.ThrowsAnyAsync<IOException>(async () => await host.ConnectAsync(local: System.Net.IPAddress.Parse("127.0.0.6")));
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }
}
