using Lantern.Sip.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipTransportServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddSipTransport_Resolved_OneManagerServesBothServiceTypes()
    {
        var services = new ServiceCollection().AddSipTransport(new SipTransportOptions());
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SipTransportManager>();
        Assert.Same(manager, provider.GetRequiredService<ISipTransportLayer>());
    }
}
