namespace Lantern.Configuration;

/// <summary>Unsolicited NOTIFY behaviour.</summary>
public sealed class UnsolicitedOptions
{
    /// <summary>Start-up NOTIFYs are spread over this many seconds.</summary>
    public int StartupWindowSeconds { get; set; } = 30;

    /// <summary>Send the start-up NOTIFYs at all (pjsip's <c>mwi_disable_initial_unsolicited=yes</c> means false).</summary>
    public bool SendOnStartup { get; set; } = true;
}
