using System.Security.Cryptography;
using Lantern.Configuration;
using Lantern.Sip.Auth;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Options;

namespace Lantern.Hosting;

/// <summary>Registers the SIP transports, the stack (for the SIP sources to register handlers with) and <see cref="SipServer"/>.</summary>
internal static class SipServiceCollectionExtensions
{
    public static IServiceCollection AddLanternSip(this IServiceCollection services)
    {
        services.TryAddConnectionBudget();
        services.AddSingleton(sp => new SipTransportManager(
            SipServer.TransportOptions(sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip, sp.GetRequiredService<ConnectionBudget>().Sip),
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
        // One authenticator for every SIP source, and one fail2ban tracker for them, the REST API and AMI, so failures add up.
        services.AddSingleton(sp =>
        {
            var sip = sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip;
            return new DigestAuthenticator(
                new DigestServerOptions
                {
                    Realm = sip.EffectiveRealm,
                    SecretKey = RandomNumberGenerator.GetBytes(32),
                    Algorithms = [.. sip.EffectiveDigestAlgorithms.Select(a => a == "MD5" ? DigestAlgorithm.Md5 : DigestAlgorithm.Sha256)],
                    AllowNoQop = sip.AllowDigestWithoutQop,
                    MaxTrackedNonces = sip.MaxTrackedNonces,
                },
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var failures = sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip.AuthFailures;
            return new AuthFailureTracker(
                failures.ToTracker(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<AuthFailureTracker>>());
        });
        return services;
    }

    /// <summary>Starts the listeners; register after every SIP source so their handlers and restored dialogs exist first.</summary>
    public static IServiceCollection AddLanternSipListeners(this IServiceCollection services)
    {
        services.AddHostedService<SipServer>();
        return services;
    }
}
