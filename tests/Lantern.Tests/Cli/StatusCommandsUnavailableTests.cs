using Lantern.Tests.Api;

namespace Lantern.Tests.Cli;

/// <summary>Against a host without SIP the status commands are refused (exit 1) with the server's reason.</summary>
public sealed class StatusCommandsUnavailableTests : IClassFixture<ApiTestHost>
{
    private readonly ApiTestHost _host;

    public StatusCommandsUnavailableTests(ApiTestHost host) => _host = host;

    [Theory]
    [InlineData("upstreams")]
    [InlineData("peers")]
    [InlineData("registrations")]
    [InlineData("subscriptions")]
    [InlineData("endpoints")]
    public async Task Command_WithoutSip_IsRefusedNamingWhy(string command)
    {
        var result = await StatusCommandsTests.RunRawAsync(
            command, "--server", _host.BaseAddress.ToString(), "--user", ApiTestHost.User, "--password", ApiTestHost.Password);
        Assert.Equal(1, result.Code);
        Assert.Contains("503", result.Err, StringComparison.Ordinal);
        Assert.Contains("not available", result.Err, StringComparison.Ordinal);
    }
}
