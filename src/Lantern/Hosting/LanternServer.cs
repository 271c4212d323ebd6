using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Options;
using Lantern.Ami;
using Lantern.Api;
using Lantern.Configuration;
using Lantern.Peers;
using Lantern.Spool;
using Lantern.Phones;
using Lantern.Upstreams;
using Lantern.Storage;
using Lantern.WebConsole;

namespace Lantern.Hosting;

/// <summary>The composition root: builds and runs the host with every service wired in.</summary>
internal static class LanternServer
{
    /// <param name="overrides">Keys set on the command line (<c>--log-format</c>), over the file and the environment.</param>
    public static async Task<int> RunAsync(string? configFile, IReadOnlyList<KeyValuePair<string, string?>> overrides, CancellationToken cancellationToken)
    {
        if (configFile is not null && !File.Exists(configFile))
        {
            await Console.Error.WriteLineAsync($"lantern: configuration file not found: {configFile}").ConfigureAwait(false);
            return 2;
        }

        WebApplication app;
        try
        {
            app = Build(configFile, overrides);
        }
        catch (InvalidDataException ex)
        {
            // Unreadable JSON: say where, without a stack trace.
            await Console.Error.WriteLineAsync($"lantern: cannot read configuration: {ex.Message} {ex.InnerException?.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OptionsValidationException ex)
        {
            // Building the host resolves services that read the options (the connection budget for Kestrel).
            return await ConfigurationErrorsAsync(ex).ConfigureAwait(false);
        }

        // Read before running: a host that failed to start has disposed its services, configuration included.
        var configuration = app.Configuration;
        try
        {
            // Validated here, before the host starts: the host would log the failure with a stack trace first.
            var options = app.Services.GetRequiredService<IOptions<LanternOptions>>().Value;
            LogWarnings(app, options);
            if (!string.IsNullOrEmpty(options.Store.Postgres))
            {
                RaiseThreadPoolFloor();
            }

            if (await OpenStoreAsync(app, options, cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            return await ConfigurationErrorsAsync(ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            // A listener that cannot bind, a store that cannot open: the host has logged the details.
            await Console.Error.WriteLineAsync("lantern: cannot start: " + HttpBindFailure.Describe(ex, configuration)).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Builds the host; <paramref name="overrides"/> lets tests set keys (ports, paths) without a file.</summary>
    public static WebApplication Build(string? configFile, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        // The host's default appsettings sources watch the content root; with the working directory there, every
        // SQLite commit next to it woke a file watcher. Our configuration is reloaded on SIGHUP or by the API instead.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddLanternSources(configFile, includeEnvironment: true, overrides);

        // Under systemd (Type=notify, packaging/lantern.service): READY=1 once the host started, i.e. every listener is open
        // (the store loaded, or a cluster node waiting for its database: decision 0040, said in STATUS= lines);
        // STOPPING=1 on SIGTERM. Outside systemd this does nothing.
        builder.Host.UseSystemd();
        if (SystemdHelpers.IsSystemdService())
        {
            builder.Services.AddHostedService(sp => new SystemdStatusReporter(
                sp.GetRequiredService<ISystemdNotifier>(), sp.GetRequiredService<StoreStartup>(),
                sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<TimeProvider>()));
        }

        LogSetup.Configure(builder.Logging, builder.Configuration);
        builder.Services.AddLanternOptions(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);

        // Storage first: its hosted initializer migrates and loads state before any listener starts.
        builder.Services.AddLanternStorage();
        builder.Services.AddLanternAmi();
        builder.Services.AddLanternSip();
        builder.Services.AddLanternPhones();
        builder.Services.AddLanternPeers();
        builder.Services.AddLanternUpstreams();
        builder.Services.AddLanternSpools();
        builder.Services.AddLanternSipListeners();
        builder.Services.AddHostedService(sp => new IdleHeapTrimmer(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Lantern.Hosting")));
        builder.Services.AddSingleton(new ConfigurationSource(configFile, [.. overrides]));
        builder.Services.AddSingleton(sp => new ConfigurationReloader(
            sp.GetRequiredService<ConfigurationSource>(),
            sp.GetRequiredService<PhonesModule>(),
            sp.GetRequiredService<PeersModule>(),
            sp.GetRequiredService<UpstreamsModule>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<ConfigurationReloader>>(),
            sp.GetRequiredService<Status.ServerClock>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigurationReloader>());
        builder.Services.AddSingleton<IReadinessCheck, ListenersReadinessCheck>();
        builder.Services.AddSingleton<IReadinessCheck, StoreReadinessCheck>();

        // HTTP API (rest-cli): listener, services, routes.
        builder.ConfigureLanternHttp();
        builder.Services.AddLanternApi();
        builder.Services.AddLanternConsole();

        var app = builder.Build();
        app.MapLanternApi();
        app.MapLanternConsole();
        app.MapPost("/api/v1/config:reload", ReloadAsync)
            .WithSummary("Re-reads the configuration file and applies endpoints, peers and upstreams; 400 with every error when invalid (nothing changes).")
            .WithTags("configuration");
        app.Lifetime.ApplicationStarted.Register(() => LogReady(app));
        return app;
    }

    private static async Task<IResult> ReloadAsync(ConfigurationReloader reloader, CancellationToken cancellationToken)
    {
        var result = await reloader.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (result.Applied)
        {
            return Results.Json(result, HostingJsonContext.Default.ReloadResult);
        }

        var errors = new List<ApiItemError>(result.Errors.Count);
        for (var i = 0; i < result.Errors.Count; i++)
        {
            errors.Add(new ApiItemError(i, result.Errors[i]));
        }

        return ApiProblems.Result(
            StatusCodes.Status400BadRequest,
            "invalid-configuration",
            "Invalid configuration",
            $"the configuration has {result.Errors.Count} error(s); the running configuration stays",
            errors);
    }

    private static async Task<int> ConfigurationErrorsAsync(OptionsValidationException ex)
    {
        foreach (var failure in ex.Failures)
        {
            await Console.Error.WriteLineAsync("lantern: configuration error: " + failure).ConfigureAwait(false);
        }

        return 2;
    }

    /// <summary>Opens the store before the host starts, so a store that cannot be opened is one line and exit 2 rather than
    /// the host's stack trace. A database that is only unreachable (PostgreSQL down) is no error: the node starts without
    /// it and connects later (<see cref="StorageInitializer"/>).</summary>
    private static async Task<int?> OpenStoreAsync(WebApplication app, LanternOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await app.Services.GetRequiredService<StorageInitializer>().OpenAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var setting = string.IsNullOrEmpty(options.Store.Postgres) ? "store.sqlite" : "store.postgres";
            var store = app.Services.GetRequiredService<ILanternStore>().Description;
            await Console.Error.WriteLineAsync($"lantern: configuration error: {setting}: cannot open {store}: {ex.Message}").ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Threads the pool may start at once, without its slow starvation ramp, in cluster mode.</summary>
    /// <remarks>Npgsql sends PostgreSQL its cancel request for a timed-out command synchronously, on the pool thread that
    /// saw the timeout; on a frozen server each holds its thread for up to two connect timeouts. With a floor of one thread
    /// per core a few of them starved <c>/readyz</c> and the SIP work past their deadlines (measured 1.1–1.6 s for a
    /// <c>/readyz</c> due within 1 s, on 2 cores).</remarks>
    public const int ClusterThreadPoolFloor = 32;

    private static void RaiseThreadPoolFloor()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < ClusterThreadPoolFloor)
        {
            ThreadPool.SetMinThreads(ClusterThreadPoolFloor, completionPorts);
        }
    }

    private static void LogWarnings(WebApplication app, LanternOptions options)
    {
        var warnings = new List<string>();
        LanternOptionsWarnings.Check(options, warnings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lantern");
        foreach (var warning in warnings)
        {
            HostingLog.ConfigurationWarning(logger, warning);
        }
    }

    private static void LogReady(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lantern");
        var budget = app.Services.GetRequiredService<ConnectionBudget>();
        if (budget.Lowered)
        {
            HostingLog.ConnectionLimitsLowered(logger, budget.DescriptorLimit ?? 0, budget.Sip, budget.Http, budget.Ami, budget.Reserved);
        }

        var listeners = new List<string>();
        foreach (var bound in app.Services.GetRequiredService<Lantern.Sip.Transport.SipTransportManager>().BoundEndPoints)
        {
            listeners.Add($"sip {bound.Transport.ToString().ToLowerInvariant()} {bound.EndPoint}");
        }

        listeners.AddRange(app.Urls);
        var ami = app.Services.GetRequiredService<AmiServer>().LocalEndPoint;
        if (ami is not null)
        {
            listeners.Add("ami " + ami);
        }

        var text = string.Join(", ", listeners);
        var startup = app.Services.GetRequiredService<StoreStartup>();
        if (startup.IsReady)
        {
            HostingLog.Ready(logger, text);
            return;
        }

        var store = app.Services.GetRequiredService<ILanternStore>().Description;
        var time = app.Services.GetRequiredService<TimeProvider>();
        HostingLog.ListeningWithoutStore(logger, store, startup.Problem, text);
        startup.Ready.ContinueWith(
            _ =>
            {
                var waited = time.GetUtcNow() - (startup.UnreachableSince ?? time.GetUtcNow());
                HostingLog.ReadyAfterStore(logger, text, store, waited.TotalSeconds);
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }
}
