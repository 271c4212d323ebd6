using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Lantern.Sip.Stack;
using Lantern.Status;
using Microsoft.Extensions.Options;

namespace Lantern.Peers;

/// <summary>Registers the peers feature: <see cref="PeersModule"/> (also as <see cref="IPeerStatusSource"/>), its SIP handler
/// (for PUBLISH, and keyed <c>notify:out-of-dialog</c> for the upstreams' NOTIFY handler to pass out-of-dialog NOTIFYs on),
/// and <see cref="PeersHostedService"/>.</summary>
internal static class PeersServiceCollectionExtensions
{
    /// <summary>The key <c>Lantern.Upstreams.UpstreamNotifyHandler.OutOfDialogKey</c> looks for (same string; the folders may not reference each other).</summary>
    public const string OutOfDialogNotifyKey = "notify:out-of-dialog";

    /// <summary>Needs <see cref="SipStack"/> and <see cref="IMailboxService"/>. Uses a registered <see cref="DigestAuthenticator"/> and
    /// <see cref="AuthFailureTracker"/> when present (realm = <c>sip.domain</c>). Call before AddLanternUpstreams' handler is resolved.</summary>
    public static IServiceCollection AddLanternPeers(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LanternOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var digest = sp.GetService<DigestAuthenticator>()
                ?? new DigestAuthenticator(new DigestServerOptions { Realm = options.Sip.EffectiveRealm, SecretKey = RandomNumberGenerator.GetBytes(32) }, time);
            var limits = new PeerPublishLimits(options.Sip.Subscriptions.MinExpires, options.Sip.Subscriptions.MaxExpires, options.Sip.Subscriptions.DefaultExpires);
            return new PeersModule(
                sp.GetRequiredService<IMailboxService>(),
                PeerBodies.TryParse,
                digest,
                time,
                sp.GetRequiredService<ILoggerFactory>(),
                limits,
                sp.GetService<AuthFailureTracker>(),
                sp.GetService<IMeterFactory>());
        });
        services.AddSingleton<IPeerStatusSource>(sp => sp.GetRequiredService<PeersModule>());
        services.AddSingleton(sp => new PeerSipHandler(sp.GetRequiredService<PeersModule>()));
        services.AddKeyedSingleton<ISipRequestHandler>(OutOfDialogNotifyKey, (sp, _) => sp.GetRequiredService<PeerSipHandler>());
        services.AddHostedService<PeersHostedService>();
        return services;
    }
}
