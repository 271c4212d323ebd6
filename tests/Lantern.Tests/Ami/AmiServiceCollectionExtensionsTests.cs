using Lantern.Ami;
using Lantern.Configuration;
using Lantern.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lantern.Tests.Ami;

public sealed class AmiServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lantern-ami-di-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task AddLanternAmi_AfterStorage_StartsServerThatAnswersAndStops()
    {
        var options = new LanternOptions
        {
            Store = new StoreOptions { Sqlite = _path },
            Ami = new AmiOptions
            {
                Listen = "127.0.0.1:0",
                Users = [new AmiUserOptions { Name = "admin", Secret = AmiTestHost.Secret }],
            },
        };
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(Options.Create(options))
            .AddLanternStorage()
            .AddLanternAmi();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var h in hosted)
        {
            await h.StartAsync(CancellationToken.None);
        }

        var server = provider.GetRequiredService<AmiServer>();
        Assert.Contains(server, hosted);
        await using (var client = await AmiTestClient.ConnectAsync(server.LocalEndPoint!))
        {
            Assert.Equal("Success", (await client.ActionAsync("Action: Login", "Username: admin", "Secret: " + AmiTestHost.Secret))["Response"]);
            await client.ReadAsync();
            // The MessageWaiting event may overtake the action's response (clients match responses by ActionID).
            var first = await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1001", "NewMessages: 1");
            var second = await client.ReadAsync();
            var response = first["Response"] is not null ? first : second;
            var evt = first["Response"] is not null ? second : first;
            Assert.Equal("Success", response["Response"]);
            Assert.Equal("MessageWaiting", evt["Event"]);
        }

        for (var i = hosted.Count - 1; i >= 0; i--)
        {
            await hosted[i].StopAsync(CancellationToken.None);
        }

        Assert.Equal(0, server.SessionCount);
    }
}
