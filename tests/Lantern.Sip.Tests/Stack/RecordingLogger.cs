using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Tests.Stack;

/// <summary>An <see cref="ILogger"/> that keeps every entry at or above <see cref="MinimumLevel"/>, for tests that read the log.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, EventId Id, string Text)> _entries = [];

    public LogLevel MinimumLevel { get; init; } = LogLevel.Debug;

    public IReadOnlyList<(LogLevel Level, EventId Id, string Text)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (_gate)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}
