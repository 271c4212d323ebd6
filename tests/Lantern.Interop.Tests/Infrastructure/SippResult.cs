namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>What a sipp run left: exit code (0 = every call succeeded), console, message trace, error trace.</summary>
internal sealed record SippResult(int ExitCode, string Console, string Messages, string Errors)
{
    public override string ToString() =>
        $"sipp exit {ExitCode}\n--- errors ---\n{Errors}\n--- messages ---\n{Tail(Messages)}\n--- console ---\n{Tail(Console)}";

    private static string Tail(string s) => s.Length > 6000 ? s[^6000..] : s;
}
