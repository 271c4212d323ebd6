using System.Net;

namespace Lantern.Tests.Api;

/// <summary>A host without SIP registers no status read models: every status route answers 503, the rest of the API works.</summary>
public sealed class StatusEndpointsUnavailableTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public StatusEndpointsUnavailableTests(ApiTestHost host) => _host = host;

    [Theory]
    [InlineData("api/v1/endpoints")]
    [InlineData("api/v1/endpoints/1000")]
    [InlineData("api/v1/subscriptions")]
    [InlineData("api/v1/registrations")]
    [InlineData("api/v1/upstreams")]
    [InlineData("api/v1/peers")]
    public async Task Get_WithoutSip_Is503NotAvailable(string route)
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(await client.GetAsync(route), HttpStatusCode.ServiceUnavailable, "not available");
    }

    [Fact]
    public async Task PutContacts_WithoutSip_Is503NotAvailable()
    {
        using var client = _host.Client();
        await ApiAssert.ProblemAsync(
            await client.PutAsync("api/v1/endpoints/1000/contacts", ApiAssert.Json("{\"contacts\":[]}")), HttpStatusCode.ServiceUnavailable, "not available");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/mailboxes")).StatusCode);
    }
}
