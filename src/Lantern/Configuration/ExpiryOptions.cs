namespace Lantern.Configuration;

/// <summary>Expiry negotiation range for subscriptions or registrations, in seconds.</summary>
public sealed class ExpiryOptions
{
    public int MinExpires { get; set; } = 60;

    public int MaxExpires { get; set; } = 7200;

    public int DefaultExpires { get; set; } = 3600;
}
