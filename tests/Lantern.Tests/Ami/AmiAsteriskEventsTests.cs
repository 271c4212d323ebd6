using Lantern.Mailboxes;

namespace Lantern.Tests.Ami;

/// <summary>The events existing Asterisk AMI tools watch besides MessageWaiting, field for field as Asterisk sends them
/// (main/manager.c FullyBooted on login, main/devicestate.c DeviceStateChange for res_mwi_devstate's MWI: devices).</summary>
public sealed class AmiAsteriskEventsTests
{
    [Fact]
    public async Task Login_AfterUptimeAndReload_FullyBootedCarriesBothInSeconds()
    {
        await using var host = await AmiTestHost.StartAsync();
        host.Time.Advance(TimeSpan.FromSeconds(100.7));
        host.Clock.Reloaded();
        host.Time.Advance(TimeSpan.FromSeconds(25));
        await using var client = await host.ConnectAsync();
        Assert.Equal("Success", (await client.ActionAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret))["Response"]);

        var booted = await client.ReadAsync();

        Assert.Equal(
            ["Event: FullyBooted", "Privilege: system,all", "Uptime: 125", "LastReload: 25", "Status: Fully Booted"],
            booted.Fields.Select(f => f.Key + ": " + f.Value));
    }

    [Fact]
    public async Task Login_NeverReloaded_LastReloadCountsFromStart()
    {
        await using var host = await AmiTestHost.StartAsync();
        host.Time.Advance(TimeSpan.FromSeconds(42));
        await using var client = await host.ConnectAsync();
        await client.ActionAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret);

        var booted = await client.ReadAsync();

        Assert.Equal(("42", "42"), (booted["Uptime"], booted["LastReload"]));
    }

    [Fact]
    public async Task MessageWaiting_NewMessagesArrive_FollowedByDeviceStateChangeInUse()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();

        await AmiServerTests.Set(host, "1001", 2, 0);

        Assert.Equal("MessageWaiting", (await client.ReadAsync())["Event"]);
        var device = await client.ReadAsync();
        Assert.Equal(
            ["Event: DeviceStateChange", "Privilege: call,all", "Device: MWI:1001@default", "State: INUSE"],
            device.Fields.Select(f => f.Key + ": " + f.Value));
    }

    [Fact]
    public async Task MessageWaiting_StateUnchangedThenCleared_DeviceStateChangeOnlyWhenTheLampChanges()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        await AmiServerTests.Set(host, "1001@sales", 2, 0);
        await client.ReadUntilAsync(r => r["Event"] == "DeviceStateChange");

        // Still new messages: Asterisk's device state cache sees no change and raises no event. Each change is read before
        // the next is made, since the feed coalesces changes a reader has not taken yet.
        await AmiServerTests.Set(host, "1001@sales", 3, 1);
        var unchanged = await client.ReadAsync();
        Assert.Equal(("MessageWaiting", "3"), (unchanged["Event"], unchanged["New"]));
        await AmiServerTests.Set(host, "1001@sales", 0, 4);
        var cleared = await client.ReadAsync();
        Assert.Equal(("MessageWaiting", "0"), (cleared["Event"], cleared["New"]));
        var device = await client.ReadAsync();
        Assert.Equal(("DeviceStateChange", "MWI:1001@sales", "NOT_INUSE"), (device["Event"], device["Device"], device["State"]));
    }

    [Fact]
    public async Task Delete_MailboxInUse_DeviceGoesNotInUse()
    {
        await using var host = await AmiTestHost.StartAsync();
        await using var client = await host.LoginAsync();
        await AmiServerTests.Set(host, "2000", 1, 0);
        await client.ReadUntilAsync(r => r["Event"] == "DeviceStateChange");

        await host.Mailboxes.DeleteAsync(MailboxId.Parse("2000"), MailboxSource.Api, CancellationToken.None);

        Assert.Equal("MessageWaiting", (await client.ReadAsync())["Event"]);
        var device = await client.ReadAsync();
        Assert.Equal(("MWI:2000@default", "NOT_INUSE"), (device["Device"], device["State"]));
    }

    [Fact]
    public async Task MessageWaiting_LampAlreadyLitAtStart_NoDeviceStateChangeUntilItGoesOut()
    {
        await using var host = await AmiTestHost.StartAsync(before: async mailboxes =>
            await mailboxes.UpdateAsync(MailboxId.Parse("3000"), MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, 1, 0, 0, 0), null, CancellationToken.None));
        await using var client = await host.LoginAsync();

        await AmiServerTests.Set(host, "3000", 5, 0);
        Assert.Equal("5", (await client.ReadAsync())["New"]);
        await AmiServerTests.Set(host, "3000", 0, 5);
        Assert.Equal("0", (await client.ReadAsync())["New"]);
        Assert.Equal("NOT_INUSE", (await client.ReadAsync())["State"]);
    }
}
