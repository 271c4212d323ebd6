using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Storage.Postgres;
using Lantern.Storage.Sqlite;
using Lantern.Upstreams;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lantern.Storage;

/// <summary>Registers the store, the mailbox service and their start-up initialiser.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>SQLite file used when the configuration names no store.</summary>
    public const string DefaultSqlitePath = "lantern.db";

    /// <summary>
    /// Registers <see cref="ILanternStore"/> (SQLite unless <see cref="StoreOptions.Postgres"/> is set), <see cref="IMailboxRepository"/>,
    /// <see cref="IRecordStore"/>, <see cref="MailboxService"/> (also as <see cref="IMailboxService"/>), <see cref="StoreStartup"/> and the hosted
    /// <see cref="StorageInitializer"/>. With <paramref name="options"/> null the store options are read from
    /// <c>IOptions&lt;LanternOptions&gt;</c> when first resolved. Call before registering any other hosted service.
    /// </summary>
    public static IServiceCollection AddLanternStorage(this IServiceCollection services, StoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        // SSE ids keep growing across restarts: microseconds of the start time stay ahead of any earlier run's changes
        // unless it averaged over a million changes a second.
        services.TryAddSingleton(sp => new MailboxServiceOptions
        {
            SequenceBase = sp.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds() * 1000,
        });
        services.AddSingleton(sp =>
        {
            var lantern = options is null ? sp.GetRequiredService<IOptions<LanternOptions>>().Value : null;
            return CreateStore(
                options ?? lantern!.Store,
                sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
                sp.GetRequiredService<TimeProvider>(),
                lantern is null ? options!.NodeId : StoreOptions.EffectiveNodeId(lantern));
        });
        services.AddSingleton<IUpstreamLeadership>(sp => sp.GetRequiredService<ILanternStore>() is PostgresStore postgres
            ? new PostgresUpstreamLock(
                postgres.ConnectionString,
                TimeSpan.FromMilliseconds((options ?? sp.GetRequiredService<IOptions<LanternOptions>>().Value.Store).UpstreamFailoverMilliseconds),
                sp.GetRequiredService<TimeProvider>())
            : new SingleNodeUpstreamLeadership());
        services.AddSingleton(sp => sp.GetRequiredService<ILanternStore>().Mailboxes);
        services.AddSingleton(sp => sp.GetRequiredService<ILanternStore>().Records);
        services.TryAddSingleton<MailboxActorContext>();
        services.AddSingleton(sp => new MailboxService(
            sp.GetRequiredService<IMailboxRepository>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<MailboxServiceOptions>(),
            sp.GetService<IMeterFactory>(),
            sp.GetRequiredService<MailboxActorContext>()));
        services.AddSingleton<IMailboxService>(sp => sp.GetRequiredService<MailboxService>());
        services.TryAddSingleton<StoreStartup>();
        services.AddSingleton(sp => new StorageInitializer(
            sp.GetRequiredService<ILanternStore>(),
            sp.GetRequiredService<MailboxService>(),
            sp.GetService<ILogger<StorageInitializer>>() ?? NullLogger<StorageInitializer>.Instance,
            sp.GetRequiredService<StoreStartup>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        return services;
    }

    /// <summary>The store the options select; not yet open (see <see cref="ILanternStore.MigrateAsync"/>).</summary>
    /// <param name="nodeId">The cluster node id (PostgreSQL); null for <see cref="StoreOptions.NodeId"/> or a random one.</param>
    public static ILanternStore CreateStore(StoreOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null, string? nodeId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (!string.IsNullOrEmpty(options.Postgres))
        {
            return new PostgresStore(
                PostgresStore.WithTimeouts(options.Postgres, options.CommandTimeoutSeconds),
                loggerFactory.CreateLogger<PostgresStore>(),
                nodeId ?? options.NodeId,
                TimeSpan.FromMilliseconds(options.LeaseMilliseconds),
                TimeSpan.FromSeconds(options.MigrationTimeoutSeconds),
                time);
        }

        var path = string.IsNullOrEmpty(options.Sqlite) ? DefaultSqlitePath : options.Sqlite;
        return new SqliteStore(path, loggerFactory.CreateLogger<SqliteStore>(), time);
    }
}
