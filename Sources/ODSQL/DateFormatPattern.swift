/// Reads `date_format` patterns (`dd/MM/yyyy`, `'Week 'ww`, `EEEE`) into pieces; text between quotes is kept,
/// `''` is a quote.
enum DateFormatPattern {
    static func parse(_ pattern: String, language: String) -> [DateFormatPiece]? {
        let characters = Array(pattern)
        var pieces: [DateFormatPiece] = []
        var index = 0
        func appendText(_ text: String) {
            if case .text(let previous)? = pieces.last {
                pieces[pieces.count - 1] = .text(previous + text)
            } else {
                pieces.append(.text(text))
            }
        }
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                if index + 1 < characters.count, characters[index + 1] == "'" {
                    appendText("'")
                    index += 2
                    continue
                }
                var text = ""
                index += 1
                while index < characters.count {
                    if characters[index] == "'" {
                        if index + 1 < characters.count, characters[index + 1] == "'" {
                            text.append("'")
                            index += 2
                            continue
                        }
                        break
                    }
                    text.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { return nil }
                index += 1
                appendText(text)
                continue
            }
            guard character.isASCII, character.isLetter else {
                appendText(String(character))
                index += 1
                continue
            }
            var count = 0
            while index < characters.count, characters[index] == character {
                count += 1
                index += 1
            }
            guard let piece = piece(character, count: count, names: names(for: language)) else { return nil }
            pieces.append(piece)
        }
        return pieces
    }

    private static func piece(_ letter: Character, count: Int, names: Names) -> DateFormatPiece? {
        switch (letter, count) {
        case ("y", 2), ("Y", 2): .part(.year2)
        case ("y", 4), ("Y", 4): .part(.year)
        case ("x", 2): .part(.weekYear2)
        case ("x", 4): .part(.weekYear)
        case ("w", 1): .part(.week)
        case ("w", 2): .part(.week2)
        case ("e", 1): .part(.isoWeekday)
        case ("E", 1...3): .names(.isoWeekday, names.shortWeekdays)
        case ("E", 4): .names(.isoWeekday, names.weekdays)
        case ("D", 1): .part(.dayOfYear)
        case ("D", 3): .part(.dayOfYear3)
        case ("M", 1): .part(.month)
        case ("M", 2): .part(.month2)
        case ("M", 3): .names(.month, names.shortMonths)
        case ("M", 4): .names(.month, names.months)
        case ("d", 1): .part(.day)
        case ("d", 2): .part(.day2)
        case ("H", 1): .part(.hour)
        case ("H", 2): .part(.hour2)
        case ("m", 1): .part(.minute)
        case ("m", 2): .part(.minute2)
        case ("s", 1): .part(.second)
        case ("s", 2): .part(.second2)
        default: nil
        }
    }

    struct Names {
        var weekdays: [String]
        var shortWeekdays: [String]
        var months: [String]
        var shortMonths: [String]
    }

    static func names(for language: String) -> Names {
        if language.lowercased().hasPrefix("fr") {
            return Names(
                weekdays: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
                shortWeekdays: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
                months: [
                    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                    "octobre", "novembre", "décembre",
                ],
                shortMonths: [
                    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                    "nov.", "déc.",
                ])
        }
        return Names(
            weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            shortWeekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            months: [
                "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December",
            ],
            shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    }
}
