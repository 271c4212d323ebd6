using System.Net;
using Lantern.Phones;
using Lantern.Status;
using Lantern.Tests.Phones;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Tests.Api;

/// <summary>The status routes over the real phones read model and contact writer (no SIP transport needed).</summary>
public sealed class StatusEndpointsPhonesTests
{
    private const string Password = "hunter2-never-shown";

    [Fact]
    public async Task RealPhonesStatus_EndpointsContactsAndNoPassword()
    {
        await using var phones = await PhonesFixture.CreateAsync();
        var service = phones.Service(
            new EndpointDirectory([PhoneEndpoint.Create("1001", Password, "1001"), PhoneEndpoint.Create("1002", null, "1002")]),
            new PhonesSettings { Domain = "example.com", StartupWindow = TimeSpan.Zero });
        await service.StartAsync(CancellationToken.None);
        var host = new ApiTestHost
        {
            ExtraServices = services =>
            {
                services.AddSingleton<IEndpointStatusReader>(service.Status);
                services.AddSingleton<IEndpointContactWriter>(service.Status);
            },
        };
        await host.InitializeAsync();
        try
        {
            using var client = host.Client();
            var put = await client.PutAsync(
                "api/v1/endpoints/1002/contacts", ApiAssert.Json("{\"contacts\":[{\"uri\":\"sip:1002@192.0.2.9:5060\",\"expiresSeconds\":300}]}"));
            var contacts = (await ApiAssert.JsonAsync(put)).GetProperty("contacts");
            Assert.Equal("api", contacts[0].GetProperty("origin").GetString());

            await ApiAssert.ProblemAsync(
                await client.PutAsync("api/v1/endpoints/1002/contacts", ApiAssert.Json("{\"contacts\":[{\"uri\":\"tel:+15551234\"}]}")), HttpStatusCode.BadRequest);
            await ApiAssert.ProblemAsync(
                await client.PutAsync("api/v1/endpoints/nope/contacts", ApiAssert.Json("{\"contacts\":[]}")), HttpStatusCode.NotFound, "nope");

            var registrations = (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/registrations"))).GetProperty("items");
            Assert.Equal("sip:1002@192.0.2.9:5060", registrations[0].GetProperty("contact").GetString());

            foreach (var route in new[] { "api/v1/endpoints", "api/v1/endpoints/1001" })
            {
                var body = await (await client.GetAsync(route)).Content.ReadAsStringAsync();
                Assert.Contains("\"digest\"", body, StringComparison.Ordinal);
                Assert.DoesNotContain(Password, body, StringComparison.Ordinal);
            }

            var acl = await ApiAssert.JsonAsync(await client.GetAsync("api/v1/endpoints/1002"));
            Assert.Equal("acl", acl.GetProperty("authentication").GetString());
            Assert.Equal(0, (await ApiAssert.JsonAsync(await client.GetAsync("api/v1/subscriptions"))).GetProperty("items").GetArrayLength());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
