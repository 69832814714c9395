using System.Globalization;
using System.Text;

namespace Achievements.Rules;

/// <summary>
/// Turns source into positioned tokens. Whitespace and <c>#</c> comments are skipped; a character
/// that starts no token is reported and skipped, so lexing always reaches the end.
/// </summary>
internal sealed class Lexer(string source, DiagnosticBag diagnostics)
{
    private int _position;

    private char Current => Peek(0);

    public List<Token> Lex()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipTrivia();
            if (_position >= source.Length)
            {
                tokens.Add(new Token(TokenKind.EndOfFile, source.Length, ""));
                return tokens;
            }

            if (NextToken() is { } token)
            {
                tokens.Add(token);
            }
        }
    }

    private char Peek(int offset) => _position + offset < source.Length ? source[_position + offset] : '\0';

    private void SkipTrivia()
    {
        while (_position < source.Length)
        {
            if (char.IsWhiteSpace(Current))
            {
                _position++;
            }
            else if (Current == '#')
            {
                while (_position < source.Length && Current != '\n')
                {
                    _position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private Token? NextToken()
    {
        var start = _position;
        var c = Current;
        if (char.IsAsciiDigit(c))
        {
            return ReadNumber();
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var text = ReadWord();
            return new Token(SyntaxFacts.KeywordKind(text), start, text);
        }

        if (c == '"')
        {
            return ReadString();
        }

        var (kind, length) = (c, Peek(1)) switch
        {
            ('(', _) => (TokenKind.OpenParen, 1),
            (')', _) => (TokenKind.CloseParen, 1),
            ('[', _) => (TokenKind.OpenBracket, 1),
            (']', _) => (TokenKind.CloseBracket, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('.', _) => (TokenKind.Dot, 1),
            ('+', _) => (TokenKind.Plus, 1),
            ('-', _) => (TokenKind.Minus, 1),
            ('*', _) => (TokenKind.Star, 1),
            ('/', _) => (TokenKind.Slash, 1),
            ('=', '=') => (TokenKind.EqualsEquals, 2),
            ('!', '=') => (TokenKind.BangEquals, 2),
            ('<', '=') => (TokenKind.LessOrEquals, 2),
            ('<', _) => (TokenKind.Less, 1),
            ('>', '=') => (TokenKind.GreaterOrEquals, 2),
            ('>', _) => (TokenKind.Greater, 1),
            _ => (TokenKind.EndOfFile, 0),
        };

        if (length == 0)
        {
            // A surrogate pair is one character to the reader, so it is reported and skipped as one.
            var width = char.IsHighSurrogate(c) && char.IsLowSurrogate(Peek(1)) ? 2 : 1;
            diagnostics.UnexpectedCharacter(new TextSpan(start, width), c);
            _position += width;
            return null;
        }

        _position += length;
        return new Token(kind, start, source.Substring(start, length));
    }

    private string ReadWord()
    {
        var start = _position;
        while (char.IsAsciiLetterOrDigit(Current) || Current == '_')
        {
            _position++;
        }

        return source[start.._position];
    }

    private Token ReadNumber()
    {
        var start = _position;
        while (char.IsAsciiDigit(Current))
        {
            _position++;
        }

        var hasFraction = Current == '.' && char.IsAsciiDigit(Peek(1));
        if (hasFraction)
        {
            _position++;
            while (char.IsAsciiDigit(Current))
            {
                _position++;
            }
        }

        var digitsEnd = _position;
        var unit = ReadWord();
        var text = source[start.._position];
        var span = new TextSpan(start, text.Length);
        var number = double.Parse(source.AsSpan(start, digitsEnd - start), CultureInfo.InvariantCulture);

        if (unit.Length == 0)
        {
            if (!double.IsFinite(number))
            {
                diagnostics.NumberTooLarge(span, text);
                return new Token(TokenKind.Number, start, text);
            }

            return new Token(TokenKind.Number, start, text, number);
        }

        var minutesPerUnit = unit switch
        {
            "m" => 1.0,
            "h" => 60.0,
            "d" => 24 * 60.0,
            "w" => 7 * 24 * 60.0,
            _ => 0,
        };
        if (minutesPerUnit == 0 || hasFraction)
        {
            diagnostics.InvalidNumber(span, text);
            return new Token(TokenKind.Duration, start, text);
        }

        // Huge durations saturate; the binder reports them as out of range.
        var minutes = number * minutesPerUnit;
        var duration = minutes >= TimeSpan.MaxValue.TotalMinutes ? TimeSpan.MaxValue : TimeSpan.FromMinutes(minutes);
        return new Token(TokenKind.Duration, start, text, duration);
    }

    private Token ReadString()
    {
        var start = _position;
        _position++;
        var value = new StringBuilder();
        while (true)
        {
            var c = Current;
            if (_position >= source.Length || c == '\n' || c == '\r')
            {
                diagnostics.UnterminatedString(TextSpan.FromBounds(start, _position));
                return new Token(TokenKind.String, start, source[start.._position], value.ToString());
            }

            if (c == '"')
            {
                _position++;
                return new Token(TokenKind.String, start, source[start.._position], value.ToString());
            }

            if (c == '\\')
            {
                var escaped = Peek(1);
                if (escaped is '"' or '\\')
                {
                    value.Append(escaped);
                    _position += 2;
                    continue;
                }

                var width = _position + 1 < source.Length && escaped is not ('\n' or '\r') ? 2 : 1;
                diagnostics.InvalidEscape(new TextSpan(_position, width), source.Substring(_position, width));
                _position += width;
                continue;
            }

            value.Append(c);
            _position++;
        }
    }
}
