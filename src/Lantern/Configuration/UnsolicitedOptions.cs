namespace Lantern.Configuration;

/// <summary>Unsolicited NOTIFY behaviour.</summary>
public sealed class UnsolicitedOptions
{
    /// <summary>Start-up NOTIFYs are spread over this many seconds.</summary>
    public int StartupWindowSeconds { get; set; } = 30;
}
