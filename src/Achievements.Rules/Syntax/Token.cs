namespace Achievements.Rules;

internal enum TokenKind
{
    EndOfFile,
    Number,
    String,
    Duration,
    Identifier,

    // Keywords
    AndKeyword,
    OrKeyword,
    NotKeyword,
    InKeyword,
    WhereKeyword,
    TrueKeyword,
    FalseKeyword,

    // Punctuation
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    EqualsEquals,
    BangEquals,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
}

/// <summary>
/// A token with its position. <see cref="Value"/> holds a number (double), a string's unescaped text,
/// or a duration (TimeSpan); it is null when the lexer already reported the literal as invalid.
/// A missing token was invented by the parser: it has no text and has already been reported.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Start, string Text, object? Value = null, bool IsMissing = false)
{
    public TextSpan Span => new(Start, Text.Length);
}

internal static class SyntaxFacts
{
    public static int BinaryPrecedence(this TokenKind kind) => kind switch
    {
        TokenKind.Star or TokenKind.Slash => 6,
        TokenKind.Plus or TokenKind.Minus => 5,
        TokenKind.EqualsEquals or TokenKind.BangEquals or TokenKind.Less or TokenKind.LessOrEquals
            or TokenKind.Greater or TokenKind.GreaterOrEquals or TokenKind.InKeyword => 4,
        TokenKind.AndKeyword => 2,
        TokenKind.OrKeyword => 1,
        _ => 0,
    };

    public static int UnaryPrecedence(this TokenKind kind) => kind switch
    {
        TokenKind.Minus => 7,
        TokenKind.NotKeyword => 3,
        _ => 0,
    };

    /// <summary>Binds tighter than any operator: literals, names, calls, lists, parentheses.</summary>
    public const int PrimaryPrecedence = 8;

    public static TokenKind KeywordKind(string text) => text switch
    {
        "and" => TokenKind.AndKeyword,
        "or" => TokenKind.OrKeyword,
        "not" => TokenKind.NotKeyword,
        "in" => TokenKind.InKeyword,
        "where" => TokenKind.WhereKeyword,
        "true" => TokenKind.TrueKeyword,
        "false" => TokenKind.FalseKeyword,
        _ => TokenKind.Identifier,
    };

    public static string? FixedText(this TokenKind kind) => kind switch
    {
        TokenKind.AndKeyword => "and",
        TokenKind.OrKeyword => "or",
        TokenKind.NotKeyword => "not",
        TokenKind.InKeyword => "in",
        TokenKind.WhereKeyword => "where",
        TokenKind.TrueKeyword => "true",
        TokenKind.FalseKeyword => "false",
        TokenKind.OpenParen => "(",
        TokenKind.CloseParen => ")",
        TokenKind.OpenBracket => "[",
        TokenKind.CloseBracket => "]",
        TokenKind.Comma => ",",
        TokenKind.Dot => ".",
        TokenKind.Plus => "+",
        TokenKind.Minus => "-",
        TokenKind.Star => "*",
        TokenKind.Slash => "/",
        TokenKind.EqualsEquals => "==",
        TokenKind.BangEquals => "!=",
        TokenKind.Less => "<",
        TokenKind.LessOrEquals => "<=",
        TokenKind.Greater => ">",
        TokenKind.GreaterOrEquals => ">=",
        _ => null,
    };

    /// <summary>How a token kind reads in a message: <c>')'</c>, <c>a name</c>, <c>the end of the rule</c>.</summary>
    public static string Describe(this TokenKind kind) => kind switch
    {
        TokenKind.EndOfFile => "the end of the rule",
        TokenKind.Number => "a number",
        TokenKind.String => "a string",
        TokenKind.Duration => "a duration",
        TokenKind.Identifier => "a name",
        _ => $"'{kind.FixedText()}'",
    };

    public static string Describe(this Token token) => token.Kind switch
    {
        TokenKind.EndOfFile => "the end of the rule",
        TokenKind.Identifier or TokenKind.Number or TokenKind.Duration or TokenKind.String => $"'{token.Text}'",
        _ => token.Kind.Describe(),
    };
}
