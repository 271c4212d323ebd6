using System.Net;
using Lantern.Hosting;
using Lantern.Peers;
using Lantern.Phones;
using Lantern.Upstreams;

namespace Lantern.Tests.Api;

/// <summary>The status routes in a host that registers the real SIP modules, as the server host is expected to.</summary>
public sealed class StatusEndpointsWiringTests
{
    private const string Password = "wired-secret-never-shown";

    [Fact]
    public async Task HostWithSipModules_ServesEveryStatusRoute()
    {
        var host = new ApiTestHost
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["sip:listen:0:transport"] = "udp",
                ["sip:listen:0:address"] = "127.0.0.1",
                ["sip:listen:0:port"] = "0",
                ["endpoints:0:id"] = "3001",
                ["endpoints:0:password"] = Password,
                ["endpoints:0:mailboxes:0"] = "3001@default",
            },
            ExtraServices = services =>
            {
                services.AddLanternSip();
                services.AddLanternPhones();
                services.AddLanternUpstreams();
                services.AddLanternPeers();
            },
        };
        await host.InitializeAsync();
        try
        {
            using var client = host.Client();
            foreach (var route in new[] { "api/v1/subscriptions", "api/v1/registrations", "api/v1/upstreams", "api/v1/peers" })
            {
                var list = await ApiAssert.JsonAsync(await client.GetAsync(route));
                Assert.Equal(0, list.GetProperty("items").GetArrayLength());
            }

            var endpoint = await client.GetAsync("api/v1/endpoints/3001");
            var body = await endpoint.Content.ReadAsStringAsync();
            Assert.True(endpoint.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains("\"digest\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, body, StringComparison.Ordinal);
            var put = await client.PutAsync("api/v1/endpoints/3001/contacts", ApiAssert.Json("{\"contacts\":[{\"uri\":\"sip:3001@192.0.2.30\"}]}"));
            Assert.Equal("api", (await ApiAssert.JsonAsync(put)).GetProperty("contacts")[0].GetProperty("origin").GetString());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
