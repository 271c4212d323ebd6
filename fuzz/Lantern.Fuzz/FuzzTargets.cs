using Lantern.Configuration;
using Lantern.MessageSummary;
using SharpFuzz;

namespace Lantern.Fuzz;

/// <summary>libFuzzer entry points: <c>lantern-fuzz message-summary</c> or <c>lantern-fuzz upstream-line</c>.</summary>
internal static class FuzzTargets
{
    public static int Run(string[] args)
    {
        var target = args.Length > 0 ? args[0] : "message-summary";
        switch (target)
        {
            case "message-summary":
                Fuzzer.LibFuzzer.Run(span =>
                {
                    // The parser must never throw, and what it accepts must satisfy the count rules.
                    if (MessageSummaryParser.TryParse(span, out var summary, out _) && summary.Counts.Validate() is not null)
                    {
                        throw new InvalidOperationException("parser accepted invalid counts");
                    }
                });
                return 0;
            case "upstream-line":
                Fuzzer.LibFuzzer.Run(span =>
                {
                    var text = System.Text.Encoding.UTF8.GetString(span);
                    if (UpstreamLine.TryParse(text, out var upstream, out _)
                        && (!UpstreamLine.TryParse(UpstreamLine.Format(upstream), out var again, out _) || again.Host != upstream.Host))
                    {
                        throw new InvalidOperationException("format/parse round trip failed");
                    }
                });
                return 0;
            default:
                Console.Error.WriteLine("usage: lantern-fuzz message-summary|upstream-line");
                return 2;
        }
    }
}
