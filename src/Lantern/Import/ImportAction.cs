namespace Lantern.Import;

/// <summary>What the importer did with one Asterisk setting.</summary>
public enum ImportAction
{
    /// <summary>Read to guide the mapping (a <c>type=</c>, a reference) without a Lantern setting of its own.</summary>
    Used,

    /// <summary>Translated into a Lantern setting.</summary>
    Mapped,

    /// <summary>Not carried over; the reason says why.</summary>
    Ignored,

    /// <summary>Something the importer could not decide and the admin must check (e.g. no <c>sip.domain</c>).</summary>
    Warning,
}
