namespace Lantern.Cli;

/// <summary>A one-line progress note on standard error, shown only when that is a terminal: a pipe or a file gets nothing.</summary>
internal sealed class CliProgress : IDisposable
{
    private readonly TextWriter? _terminal;
    private bool _shown;

    private CliProgress(TextWriter? terminal)
    {
        _terminal = terminal;
    }

    /// <summary>Progress for <paramref name="error"/>; silent unless it is the process's own standard error on a terminal.</summary>
    public static CliProgress For(TextWriter error) =>
        new(ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? error : null);

    /// <summary>Replaces the note with <paramref name="text"/>.</summary>
    public void Report(string text)
    {
        if (_terminal is null)
        {
            return;
        }

        // Carriage return and erase-line: the note overwrites itself instead of scrolling.
        _terminal.Write("\r\u001b[K" + text);
        _terminal.Flush();
        _shown = true;
    }

    /// <summary>Erases the note, so the result starts on a clean line.</summary>
    public void Dispose()
    {
        if (_shown)
        {
            _terminal!.Write("\r\u001b[K");
            _terminal.Flush();
            _shown = false;
        }
    }
}
