namespace Lantern.MessageSummary;

/// <summary>ASCII helpers for byte spans.</summary>
internal static class AsciiSpanExtensions
{
    public static bool EqualsIgnoreCaseAscii(this ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        System.Text.Ascii.EqualsIgnoreCase(a, b);
}
