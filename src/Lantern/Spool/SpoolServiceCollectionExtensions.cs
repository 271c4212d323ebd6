namespace Lantern.Spool;

/// <summary>Registers the voicemail spool source (<see cref="SpoolHostedService"/>).</summary>
internal static class SpoolServiceCollectionExtensions
{
    /// <summary>Needs <see cref="Lantern.Mailboxes.IMailboxService"/>, loaded by the storage initializer registered before it.</summary>
    public static IServiceCollection AddLanternSpools(this IServiceCollection services)
    {
        services.AddHostedService<SpoolHostedService>();
        return services;
    }
}
