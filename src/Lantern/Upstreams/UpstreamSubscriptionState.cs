using System.Globalization;

namespace Lantern.Upstreams;

/// <summary>A parsed <c>Subscription-State</c> header (RFC 6665 §8.2.3): <c>active;expires=3600</c>,
/// <c>terminated;reason=deactivated</c>, <c>terminated;reason=probation;retry-after=30</c>.</summary>
internal sealed record UpstreamSubscriptionState(UpstreamSubscriptionPhase Phase, string? Reason, int? Expires, int? RetryAfter)
{
    /// <summary>Longest header value looked at; a real one is a few dozen bytes.</summary>
    public const int MaxLength = 512;

    /// <summary>Parses the header value; false with <paramref name="error"/> naming the problem.</summary>
    public static bool TryParse(string? value, out UpstreamSubscriptionState state, out string error)
    {
        state = new UpstreamSubscriptionState(UpstreamSubscriptionPhase.Active, null, null, null);
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "Missing Subscription-State";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = "Subscription-State too long";
            return false;
        }

        var parts = value.Split(';');
        var phaseText = parts[0].Trim();
        UpstreamSubscriptionPhase phase;
        if (phaseText.Equals("active", StringComparison.OrdinalIgnoreCase))
        {
            phase = UpstreamSubscriptionPhase.Active;
        }
        else if (phaseText.Equals("pending", StringComparison.OrdinalIgnoreCase))
        {
            phase = UpstreamSubscriptionPhase.Pending;
        }
        else if (phaseText.Equals("terminated", StringComparison.OrdinalIgnoreCase))
        {
            phase = UpstreamSubscriptionPhase.Terminated;
        }
        else
        {
            error = $"Unknown Subscription-State \"{phaseText}\"";
            return false;
        }

        string? reason = null;
        int? expires = null;
        int? retryAfter = null;
        for (var i = 1; i < parts.Length; i++)
        {
            var p = parts[i];
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            var name = (eq < 0 ? p : p[..eq]).Trim();
            var v = eq < 0 ? string.Empty : p[(eq + 1)..].Trim().Trim('"');
            if (name.Equals("reason", StringComparison.OrdinalIgnoreCase))
            {
                reason = v.ToLowerInvariant();
            }
            else if (name.Equals("expires", StringComparison.OrdinalIgnoreCase) || name.Equals("retry-after", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                {
                    error = $"Malformed Subscription-State {name.ToLowerInvariant()}";
                    return false;
                }

                if (name.Equals("expires", StringComparison.OrdinalIgnoreCase))
                {
                    expires = seconds;
                }
                else
                {
                    retryAfter = seconds;
                }
            }
        }

        state = new UpstreamSubscriptionState(phase, reason, expires, retryAfter);
        error = string.Empty;
        return true;
    }
}
