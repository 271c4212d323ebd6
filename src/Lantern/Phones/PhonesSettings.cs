using Lantern.Configuration;

namespace Lantern.Phones;

/// <summary>The settings the phones layer runs with: from <c>sip.*</c> in the configuration plus protocol bounds.</summary>
internal sealed record PhonesSettings
{
    public string Domain { get; init; } = "localhost";

    public int SubscriptionMinExpires { get; init; } = 60;

    public int SubscriptionMaxExpires { get; init; } = 7200;

    public int SubscriptionDefaultExpires { get; init; } = 3600;

    public int RegistrationMinExpires { get; init; } = 60;

    public int RegistrationMaxExpires { get; init; } = 7200;

    public int RegistrationDefaultExpires { get; init; } = 3600;

    /// <summary>Subscriptions in all; beyond it a new SUBSCRIBE gets 503 + Retry-After.</summary>
    public int MaxSubscriptions { get; init; } = 250_000;

    /// <summary>Registered contacts an endpoint without its own <c>maxContacts</c> may hold; a new one beyond it replaces the oldest.</summary>
    public int MaxContactsPerEndpoint { get; init; } = 10;

    /// <summary>Contact bindings in all; beyond it a REGISTER adding one gets 503 + Retry-After.</summary>
    public int MaxRegistrations { get; init; } = 250_000;

    public int RetryAfterSeconds { get; init; } = 30;

    /// <summary>Least time between two NOTIFYs of one subscription (0: none); the terminating NOTIFY is never delayed.</summary>
    public TimeSpan MinNotifyInterval { get; init; } = TimeSpan.Zero;

    /// <summary>In-dialog NOTIFYs on the wire at once (a fan-out's window); the rest wait for a slot, in order.</summary>
    public int MaxNotifiesInFlight { get; init; } = 1000;

    /// <summary>A NOTIFY unanswered this long gives its slot to the next waiting one (its receiver is slow or gone).</summary>
    public TimeSpan NotifySlotHold { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Start-up unsolicited NOTIFYs are spread over this window.</summary>
    public TimeSpan StartupWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Restored subscriptions are re-notified at most this many per second after a restart.</summary>
    public int RestoreNotifiesPerSecond { get; init; } = 2000;

    public static PhonesSettings From(LanternOptions options)
    {
        var sip = options.Sip;
        return new PhonesSettings
        {
            Domain = sip.Domain,
            SubscriptionMinExpires = sip.Subscriptions.MinExpires,
            SubscriptionMaxExpires = sip.Subscriptions.MaxExpires,
            SubscriptionDefaultExpires = sip.Subscriptions.DefaultExpires,
            RegistrationMinExpires = sip.Registrations.MinExpires,
            RegistrationMaxExpires = sip.Registrations.MaxExpires,
            RegistrationDefaultExpires = sip.Registrations.DefaultExpires,
            StartupWindow = TimeSpan.FromSeconds(Math.Max(0, sip.Unsolicited.StartupWindowSeconds)),
            MaxNotifiesInFlight = sip.Overload.MaxNotifiesInFlight,
        };
    }

    /// <summary>Negotiates an expiry: absent → default, above max → max, 0 stays 0; null when below min (423).</summary>
    public static int? Negotiate(int? requested, int min, int max, int @default)
    {
        var e = requested ?? @default;
        if (e == 0)
        {
            return 0;
        }

        if (e < min)
        {
            return null;
        }

        return Math.Min(e, max);
    }
}
