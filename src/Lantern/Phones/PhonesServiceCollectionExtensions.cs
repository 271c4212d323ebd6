using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Lantern.Storage;
using Microsoft.Extensions.Options;

namespace Lantern.Phones;

/// <summary>Registers the phones layer: <see cref="PhonesModule"/>, its read model and contact writer, and its hosted service.</summary>
internal static class PhonesServiceCollectionExtensions
{
    /// <summary>Needs <see cref="SipStack"/>, <see cref="IMailboxService"/>, <see cref="IRecordStore"/> (AddLanternStorage, AddLanternSip).
    /// Register it after storage; its hosted service should start before the SIP listeners so restored dialogs are known
    /// before the first in-dialog request. Uses a registered <see cref="DigestAuthenticator"/> / <see cref="AuthFailureTracker"/> when present.</summary>
    public static IServiceCollection AddLanternPhones(this IServiceCollection services)
    {
        services.AddSingleton(sp => WithConnectionMarks(sp, new PhonesModule(
            sp.GetRequiredService<SipStack>(),
            sp.GetRequiredService<IMailboxService>(),
            sp.GetRequiredService<IOptions<LanternOptions>>().Value,
            sp.GetService<IRecordStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<DigestAuthenticator>(),
            sp.GetService<AuthFailureTracker>())));
        services.AddSingleton(sp => sp.GetRequiredService<PhonesModule>().Status);
        services.AddSingleton(sp => sp.GetRequiredService<PhonesModule>().Contacts);
        services.AddSingleton(sp => sp.GetRequiredService<PhonesModule>().Notifier);
        services.AddHostedService<PhonesHostedService>();
        return services;
    }

    private static PhonesModule WithConnectionMarks(IServiceProvider sp, PhonesModule module)
    {
        if (sp.GetService<SipTransportManager>() is { } transport)
        {
            module.Service.Connections.Mark = (id, inUse) => transport.MarkInUse(id, inUse);
            module.Service.Subscriptions.AdoptedContact = new LocalContacts(() => transport.BoundEndPoints, module.Service.Settings.Domain).ForAdopted;
        }

        return module;
    }
}
