using System.Net;
using Lantern.Hosting;
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
        var app = LanternServer.Build(null, new Dictionary<string, string?>
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
}
