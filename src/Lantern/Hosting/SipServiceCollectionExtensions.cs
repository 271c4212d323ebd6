using Lantern.Configuration;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Options;

namespace Lantern.Hosting;

/// <summary>Registers the SIP transports, the stack (for the SIP sources to register handlers with) and <see cref="SipServer"/>.</summary>
internal static class SipServiceCollectionExtensions
{
    public static IServiceCollection AddLanternSip(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SipTransportManager(
            SipServer.TransportOptions(sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<ISipTransportLayer>(sp => sp.GetRequiredService<SipTransportManager>());
        services.AddSingleton(sp => new SipStack(
            sp.GetRequiredService<ISipTransportLayer>(),
            sp.GetRequiredService<TimeProvider>(),
            SipServer.StackOptions(sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Lantern.Sip.Stack"),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<SipServer>();
        return services;
    }
}
