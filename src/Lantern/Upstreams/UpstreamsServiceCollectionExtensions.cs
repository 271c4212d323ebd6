using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Lantern.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
            sp.GetService<IMeterFactory>(),
            NotifyTimeout(sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip.Timers)));
        services.AddSingleton<IUpstreamStatusSource>(sp => sp.GetRequiredService<UpstreamsModule>());
        services.AddSingleton(sp => new UpstreamNotifyHandler(
            sp.GetRequiredService<UpstreamsModule>(),
            sp.GetKeyedService<ISipRequestHandler>(UpstreamNotifyHandler.OutOfDialogKey)));
        services.TryAddSingleton<IUpstreamLeadership, SingleNodeUpstreamLeadership>();
        services.AddHostedService<UpstreamsHostedService>();
        return services;
    }

    /// <summary>64·T1 (RFC 6665 §4.1.2.4): how long after a 2xx the first NOTIFY may take (32 s with the default T1).</summary>
    public static TimeSpan NotifyTimeout(SipTimerOptions timers) => TimeSpan.FromMilliseconds(64.0 * timers.T1Ms);
}
