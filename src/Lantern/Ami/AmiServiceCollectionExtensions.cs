using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lantern.Ami;

/// <summary>Registers the AMI server as a singleton and a hosted service.</summary>
internal static class AmiServiceCollectionExtensions
{
    /// <summary>Needs <c>IOptions&lt;LanternOptions&gt;</c>, <see cref="IMailboxService"/>, <see cref="TimeProvider"/> and logging registered.</summary>
    public static IServiceCollection AddLanternAmi(this IServiceCollection services)
    {
        services.TryAddConnectionBudget();
        services.TryAddSingleton(sp => new ServerClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AmiServer(
            sp.GetRequiredService<IOptions<LanternOptions>>().Value.Ami,
            sp.GetRequiredService<ConnectionBudget>().Ami,
            sp.GetRequiredService<IMailboxService>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AmiServer>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetRequiredService<IOptions<LanternOptions>>().Value.Sip.AuthFailures.Ami ? sp.GetService<Lantern.Sip.Auth.AuthFailureTracker>() : null,
            sp.GetRequiredService<ServerClock>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AmiServer>());
        return services;
    }
}
