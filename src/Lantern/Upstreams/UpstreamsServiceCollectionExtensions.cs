using System.Diagnostics.Metrics;
using Lantern.Mailboxes;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Lantern.Status;

namespace Lantern.Upstreams;

/// <summary>Registers the outbound subscriptions: <see cref="UpstreamsModule"/> (also as <see cref="IUpstreamStatusSource"/>),
/// its SIP client and NOTIFY handler, and <see cref="UpstreamsHostedService"/>.</summary>
internal static class UpstreamsServiceCollectionExtensions
{
    /// <summary>Needs <see cref="SipStack"/>, <see cref="ISipTransportLayer"/> (AddLanternSip) and <see cref="IMailboxService"/>.
    /// Out-of-dialog NOTIFYs are passed to the <see cref="ISipRequestHandler"/> keyed <see cref="UpstreamNotifyHandler.OutOfDialogKey"/>
    /// when one is registered (AddLanternPeers does), else answered 403.</summary>
    public static IServiceCollection AddLanternUpstreams(this IServiceCollection services)
    {
        services.AddSingleton(_ => new UpstreamResolver(UpstreamDnsLookup.CreateDefault()));
        services.AddSingleton<IUpstreamSipClient>(sp => new UpstreamSipClient(
            sp.GetRequiredService<SipStack>(),
            sp.GetRequiredService<ISipTransportLayer>(),
            sp.GetRequiredService<UpstreamResolver>()));
        services.AddSingleton(sp => new UpstreamsModule(
            sp.GetRequiredService<IUpstreamSipClient>(),
            sp.GetRequiredService<IMailboxService>(),
            UpstreamBodies.TryParse,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<IUpstreamStatusSource>(sp => sp.GetRequiredService<UpstreamsModule>());
        services.AddSingleton(sp => new UpstreamNotifyHandler(
            sp.GetRequiredService<UpstreamsModule>(),
            sp.GetKeyedService<ISipRequestHandler>(UpstreamNotifyHandler.OutOfDialogKey)));
        services.AddHostedService<UpstreamsHostedService>();
        return services;
    }
}
