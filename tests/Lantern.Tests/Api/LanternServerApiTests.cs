using System.Net;
using Lantern.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Tests.Api;

public sealed class LanternServerApiTests
{
    [Fact]
    public async Task Build_ServesApiWithAuthProbesAndOpenApi()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lantern-server-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var app = Build(directory);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(20) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("openapi/v1.json")).StatusCode);
            await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/mailboxes"), HttpStatusCode.Unauthorized);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task StopAsync_InProcess_FinishesWithoutWaitingForTheUpstreamLeadershipLoop()
    {
        // The host runs StoppingAsync before it cancels ApplicationStopping when StopAsync is called directly; a
        // leadership loop waiting on that token alone made this stop wait forever.
        var directory = Path.Combine(Path.GetTempPath(), "lantern-server-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var app = Build(directory);
        await app.StartAsync();
        var stop = app.StopAsync();
        var stopped = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10))) == stop;
        if (stopped)
        {
            // A hung stop would hang the dispose too; the assertion below reports it instead.
            await app.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }

        Assert.True(stopped, "the in-process host did not stop within 10 s");
    }

    private static WebApplication Build(string directory) => LanternServer.Build(null, new Dictionary<string, string?>
    {
        ["http:listen"] = "127.0.0.1:0",
        ["http:users:0:name"] = "admin",
        ["http:users:0:password"] = "pw",
        ["store:sqlite"] = Path.Combine(directory, "lantern.db"),
        ["sip:listen:0:transport"] = "udp",
        ["sip:listen:0:address"] = "127.0.0.1",
        ["sip:listen:0:port"] = "0",
        ["ami:listen"] = "127.0.0.1:0",
    });
}
