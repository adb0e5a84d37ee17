use roman_codec::*;

#[test]
fn one_is_a_single_i() {
    assert_eq!(to_roman(1), Ok("I".to_string()));
}

#[test]
#[ignore]
fn fours_and_nines_are_subtractive() {
    let cases = [(4, "IV"), (9, "IX"), (40, "XL"), (90, "XC"), (400, "CD"), (900, "CM")];
    for (n, numeral) in cases {
        assert_eq!(to_roman(n), Ok(numeral.to_string()), "to_roman({n})");
    }
}

#[test]
#[ignore]
fn places_are_written_left_to_right() {
    assert_eq!(to_roman(1994), Ok("MCMXCIV".to_string()));
    assert_eq!(to_roman(3999), Ok("MMMCMXCIX".to_string()));
}

#[test]
#[ignore]
fn numbers_outside_the_range_are_refused() {
    assert_eq!(to_roman(0), Err(RomanError::OutOfRange(0)));
    assert_eq!(to_roman(4000), Err(RomanError::OutOfRange(4000)));
}

#[test]
#[ignore]
fn standard_numerals_are_read_back() {
    assert_eq!(from_roman("MDCLXVI"), Ok(1666));
    assert_eq!(from_roman("XLII"), Ok(42));
}

#[test]
#[ignore]
fn non_standard_spellings_are_refused() {
    for numeral in ["IIII", "VX", "IC", "MMMM", "XCX"] {
        assert_eq!(
            from_roman(numeral),
            Err(RomanError::InvalidNumeral(numeral.to_string())),
            "from_roman({numeral:?})"
        );
    }
}

#[test]
#[ignore]
fn unknown_letters_and_empty_input_are_refused() {
    for numeral in ["", "xii", "XIIZ", "V I"] {
        assert_eq!(
            from_roman(numeral),
            Err(RomanError::InvalidNumeral(numeral.to_string())),
            "from_roman({numeral:?})"
        );
    }
}

#[test]
#[ignore]
fn every_number_survives_a_round_trip() {
    for n in 1..=3999 {
        let numeral = to_roman(n).unwrap();
        assert_eq!(from_roman(&numeral), Ok(n), "round trip of {n} via {numeral}");
    }
}
