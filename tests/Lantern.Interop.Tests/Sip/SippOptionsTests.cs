using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Sip;

/// <summary>sipp against the built server: OPTIONS and an unhandled method, over UDP and TCP.</summary>
public sealed class SippOptionsTests
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Options_OverTransport_Gets200WithAllowEvents(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        var result = await Sipp.RunClientAsync("options.xml", server.SipPort, transport, [], calls: 5);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task UnknownMethod_OverTransport_Gets405WithAllow(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        var result = await Sipp.RunClientAsync("unknown_method.xml", server.SipPort, transport, [], calls: 3);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
