using System.Collections.Concurrent;
using System.Net;
using Lantern.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lantern.Tests.Api;

/// <summary>Issue 14 (logs): a failing readiness check is logged once when it fails and once when it recovers, without a stack trace.</summary>
public sealed class ReadinessStateLogTests
{
    [Fact]
    public async Task Readyz_FailingRepeatedly_LogsOnceThenOnceOnRecovery()
    {
        var check = new ToggledCheck { Failing = true };
        var logs = new CollectingProvider();
        var host = new ApiTestHost
        {
            ExtraServices = services =>
            {
                services.AddSingleton<IReadinessCheck>(check);
                services.AddSingleton<ILoggerProvider>(logs);
            },
        };
        await host.InitializeAsync();
        try
        {
            await ProbeAsync(host, check, logs);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task ProbeAsync(ApiTestHost host, ToggledCheck check, CollectingProvider logs)
    {
        using var client = host.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode);
        }

        var failing = Assert.Single(logs.Entries, e => e.EventId == 3004);
        Assert.Null(failing.Exception);
        Assert.Contains("toggled: database gone", failing.Message, StringComparison.Ordinal);

        check.Failing = false;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode);
        }

        Assert.Single(logs.Entries, e => e.EventId == 3007);
        Assert.Single(logs.Entries, e => e.EventId == 3004);
        Assert.DoesNotContain(logs.Entries, e => e.Exception is not null);
    }

    private sealed class ToggledCheck : IReadinessCheck
    {
        public volatile bool Failing;

        public string Name => "toggled";

        public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) =>
            Failing ? throw new InvalidOperationException("toggled: database gone") : ValueTask.FromResult<string?>(null);
    }

    private sealed record Entry(int EventId, string Message, Exception? Exception);

    private sealed class CollectingProvider : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue(new Entry(eventId.Id, formatter(state, exception), exception));

        public void Dispose()
        {
        }
    }
}
