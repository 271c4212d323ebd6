using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using System.Security.Cryptography.X509Certificates;
using Lantern.Api.Ari;
using Lantern.Api.V1;
using Lantern.Configuration;
using Lantern.Mailboxes;

namespace Lantern.Api;

/// <summary>Wires the HTTP API (ARI-compatible paths, <c>/api/v1</c>, probes, metrics, OpenAPI) into the host.</summary>
internal static class LanternApiExtensions
{
    /// <summary>Sets the listener from <c>http.listen</c>; HTTPS when <c>http.certificate</c> (PEM) is set.</summary>
    public static void ConfigureLanternHttp(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddConnectionBudget();
        builder.Services.AddSingleton<HttpConnectionLimiter>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<HttpConnectionLimiter, IOptions<LanternOptions>>((kestrel, limiter, options) =>
        {
            // A silent connection held Kestrel's default 130 s; every listener goes through the connection limits.
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.Value.Http.IdleTimeoutSeconds);
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(limiter.Wrap));
        });
        var section = builder.Configuration.GetSection("http");
        var listen = section["listen"] ?? HttpOptions.DefaultListen;
        var certificate = section["certificate"];
        if (string.IsNullOrEmpty(certificate))
        {
            builder.WebHost.UseUrls("http://" + listen);
            return;
        }

        var key = section["key"];
        builder.WebHost.UseUrls("https://" + listen);

        // The slim builder leaves Kestrel's HTTPS support out until asked.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            https.ServerCertificate = X509Certificate2.CreateFromPemFile(certificate, string.IsNullOrEmpty(key) ? null : key)));
    }

    /// <summary>Registers the API's services; the host must also register <see cref="IMailboxService"/> and any <see cref="IReadinessCheck"/>.</summary>
    public static IServiceCollection AddLanternApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton<EventStreamLimiter>();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<MetricsHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsHistory>());
        services.AddSingleton<IReadinessCheck, MailboxStoreReadinessCheck>();
        services.AddSingleton<ReadinessStateLog>();
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Lantern API";
            document.Info.Description = "Native mailbox API of the Lantern MWI server. Authentication: HTTP Basic (http.users) or Bearer API key (http.apiKeys). Errors are application/problem+json (RFC 9457).";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Adds the middleware and maps every route; call once on the built application.</summary>
    public static WebApplication MapLanternApi(this WebApplication app)
    {
        // The collector must exist before instruments are created, or it misses their publication.
        _ = app.Services.GetRequiredService<MetricsCollector>();
        app.UseMiddleware<ApiErrorMiddleware>();
        app.UseMiddleware<ApiAuthenticationMiddleware>();

        app.MapGet("/healthz", () => Results.Text("ok\n"))
            .WithSummary("Liveness: the process is up (no authentication).")
            .WithTags("health");
        app.MapGet("/readyz", ReadyAsync)
            .WithSummary("Readiness: every registered check passes (no authentication); 503 with the failing checks otherwise.")
            .WithTags("health")
            .Produces<ReadinessDto>()
            .Produces<ReadinessDto>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/metrics", ([FromServices] MetricsCollector metrics) => Results.Text(metrics.Scrape(), MetricsCollector.ContentType))
            .WithSummary("Prometheus text exposition of every Lantern meter (authenticated).")
            .WithTags("health")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain");
        app.MapGet("/api/v1/metrics/history", ([FromServices] MetricsHistory history) => Results.Json(history.Read(), ApiJsonContext.Default.MetricsHistoryDto))
            .WithName("metricsHistory")
            .WithSummary("The last 15 minutes of the server's own counters as rates per 10 s interval (authenticated).")
            .WithDescription("Kept in memory, for the console's health charts: HTTP requests/s by method and class, NOTIFYs sent and failed per second, average store commit latency (ms) and active subscriptions. Each series has one value per time (null: no data in that interval).")
            .WithTags("health")
            .Produces<MetricsHistoryDto>();
        app.MapOpenApi("/openapi/{documentName}.json");

        AriMailboxEndpoints.Map(app);
        MailboxEndpoints.Map(app);
        StatusEndpoints.Map(app);
        return app;
    }

    private static async Task<IResult> ReadyAsync([FromServices] IEnumerable<IReadinessCheck> checks, [FromServices] ReadinessStateLog log, CancellationToken cancellationToken)
    {
        var results = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        var ready = true;
        foreach (var check in checks)
        {
            string? problem;
            try
            {
                problem = await check.CheckAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // No stack trace: the state change is logged once below, with the message.
                problem = "check failed: " + ex.Message;
            }

            // Several checks may share a name (the store is loaded; the store answers): the first problem wins.
            if (!results.TryGetValue(check.Name, out var earlier) || earlier is null)
            {
                results[check.Name] = problem;
            }

            ready &= problem is null;
        }

        foreach (var (name, problem) in results)
        {
            log.Observe(name, problem);
        }

        return Results.Json(
            new ReadinessDto(ready, results),
            ApiJsonContext.Default.ReadinessDto,
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
