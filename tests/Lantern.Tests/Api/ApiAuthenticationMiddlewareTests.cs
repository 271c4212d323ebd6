using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Lantern.Tests.Api;

public sealed class ApiAuthenticationMiddlewareTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public ApiAuthenticationMiddlewareTests(ApiTestHost host) => _host = host;

    [Theory]
    [InlineData("ari/mailboxes")]
    [InlineData("api/v1/mailboxes")]
    [InlineData("api/v1/events")]
    [InlineData("metrics")]
    [InlineData("no/such/route")]
    public async Task Request_NoCredentials_Is401WithChallenge(string path)
    {
        using var client = _host.Anonymous();
        var response = await client.GetAsync(path);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "credentials are required");
        Assert.Equal("Basic realm=\"lantern\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Basic", "admin:wrong")]
    [InlineData("Basic", "nobody:test-password")]
    [InlineData("Basic", "admin")]
    [InlineData("Basic", "admin:test-password ")]
    [InlineData("Bearer", "not-the-key")]
    [InlineData("Digest", "x")]
    public async Task Request_WrongCredentials_Is401(string scheme, string credential)
    {
        using var client = _host.Anonymous();
        var parameter = scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(credential)) : credential;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/mailboxes"), HttpStatusCode.Unauthorized, "not valid");
    }

    [Fact]
    public async Task Request_MalformedBasic_Is401()
    {
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic %%%not-base64");
        await ApiAssert.ProblemAsync(await client.GetAsync("api/v1/mailboxes"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Request_Basic_IsAccepted()
    {
        using var client = _host.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/mailboxes")).StatusCode);
    }

    [Fact]
    public async Task Request_BearerKey_IsAccepted()
    {
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiTestHost.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("ari/mailboxes")).StatusCode);
    }

    [Fact]
    public async Task Request_ApiKeyQuery_IsRefusedBecauseUrlsAreLogged()
    {
        using var client = _host.Anonymous();
        var key = Uri.EscapeDataString($"{ApiTestHost.User}:{ApiTestHost.Password}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"ari/mailboxes?api_key={key}")).StatusCode);
    }

    [Theory]
    [InlineData("healthz")]
    [InlineData("readyz")]
    [InlineData("openapi/v1.json")]
    [InlineData("ari/api-docs/resources.json")]
    [InlineData("ari/api-docs/mailboxes.json")]
    public async Task PublicPaths_NeedNoCredentials(string path)
    {
        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }
}
