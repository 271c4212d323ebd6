using Lantern.Configuration;
using Lantern.MessageSummary;
using Lantern.Sip.Messages;
using SharpFuzz;

namespace Lantern.Fuzz;

/// <summary>Fuzz entry points: <c>lantern-fuzz TARGET [--afl]</c>, TARGET one of <c>sip-message</c>,
/// <c>message-summary</c>, <c>upstream-line</c>; libFuzzer by default, AFL (afl-fuzz) with <c>--afl</c>.</summary>
internal static class FuzzTargets
{
    private const int MaxInput = 64 * 1024;

    public static int Run(string[] args)
    {
        var target = args.Length > 0 ? args[0] : "sip-message";
        var afl = Array.IndexOf(args, "--afl") >= 0;
        ReadOnlySpanAction? check = target switch
        {
            "sip-message" => SipMessage,
            "message-summary" => MessageSummary,
            "upstream-line" => UpstreamLineRoundTrip,
            _ => null,
        };
        if (check is null)
        {
            Console.Error.WriteLine("usage: lantern-fuzz sip-message|message-summary|upstream-line [--afl]");
            return 2;
        }

        if (afl)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                var buffer = new byte[MaxInput];
                var length = stream.ReadAtLeast(buffer, MaxInput, throwOnEndOfStream: false);
                check(buffer.AsSpan(0, length));
            });
        }
        else
        {
            Fuzzer.LibFuzzer.Run(span => check(span));
        }

        return 0;
    }

    /// <summary>The wire parser never throws; a message it returns can always be answered, read and released.</summary>
    private static void SipMessage(ReadOnlySpan<byte> data)
    {
        SipMessageParser.TryParse(data, SipLimits.Default, out var message, out var error);
        if (message is null)
        {
            return;
        }

        try
        {
            _ = message.CallId;
            _ = message.TopViaBranch;
            _ = message.RequestUri;
            if (message.IsRequest && message.CanBuildResponse)
            {
                var status = error.IsError ? error.StatusCode : 200;
                if (SipMessageBuilder.ResponseTo(message, status, error.IsError ? error.ReasonPhrase : null, "fuzz").ToArray().Length == 0)
                {
                    throw new InvalidOperationException("empty response");
                }
            }
        }
        finally
        {
            message.Dispose();
        }
    }

    /// <summary>The parser never throws, and what it accepts satisfies the count rules.</summary>
    private static void MessageSummary(ReadOnlySpan<byte> data)
    {
        if (MessageSummaryParser.TryParse(data, out var summary, out _) && summary.Counts.Validate() is not null)
        {
            throw new InvalidOperationException("parser accepted invalid counts");
        }
    }

    private static void UpstreamLineRoundTrip(ReadOnlySpan<byte> data)
    {
        var text = System.Text.Encoding.UTF8.GetString(data);
        if (UpstreamLine.TryParse(text, out var upstream, out _)
            && (!UpstreamLine.TryParse(UpstreamLine.Format(upstream), out var again, out _) || again.Host != upstream.Host))
        {
            throw new InvalidOperationException("format/parse round trip failed");
        }
    }

    private delegate void ReadOnlySpanAction(ReadOnlySpan<byte> data);
}
