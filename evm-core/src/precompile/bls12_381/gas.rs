//! EIP-2537 gas: the fixed prices and the MSM discount tables.

/// Gas of BLS12_G1ADD (0x0b).
pub const G1ADD_GAS: u64 = 375;
/// Gas of BLS12_G2ADD (0x0d).
pub const G2ADD_GAS: u64 = 600;
/// Gas of one G1 multiplication: BLS12_G1MSM (0x0c) with one point.
pub const G1MUL_GAS: u64 = 12_000;
/// Gas of one G2 multiplication: BLS12_G2MSM (0x0e) with one point.
pub const G2MUL_GAS: u64 = 22_500;
/// Gas of BLS12_MAP_FP_TO_G1 (0x10).
pub const MAP_FP_TO_G1_GAS: u64 = 5_500;
/// Gas of BLS12_MAP_FP2_TO_G2 (0x11).
pub const MAP_FP2_TO_G2_GAS: u64 = 23_800;
/// BLS12_PAIRING_CHECK (0x0f) costs `PAIRING_PER_PAIR_GAS · k + PAIRING_BASE_GAS`.
pub const PAIRING_PER_PAIR_GAS: u64 = 32_600;
/// See [`PAIRING_PER_PAIR_GAS`].
pub const PAIRING_BASE_GAS: u64 = 37_700;

/// Discounts of the G1 MSM (per mille) for k = 1..=128; beyond, the last (519).
pub const G1_MSM_DISCOUNT: [u16; 128] = [
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665,
    661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615,
    613, 611, 609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585,
    584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563,
    562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545,
    544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529,
    528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
];

/// Discounts of the G2 MSM (per mille) for k = 1..=128; beyond, the last (524).
pub const G2_MSM_DISCOUNT: [u16; 128] = [
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704,
    699, 693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632,
    629, 627, 624, 622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593,
    592, 590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568,
    567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549,
    548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534,
    533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
];

/// `k · mul_gas · discount(k) / 1000` (rounded down), the gas of an MSM of
/// `k ≥ 1` points; `None` (out of gas whatever the limit) past `u64`.
pub fn msm_gas(k: u64, mul_gas: u64, table: &[u16; 128]) -> Option<u64> {
    let i = usize::try_from(k.clamp(1, 128) - 1).ok()?;
    let discount = u128::from(*table.get(i)?);
    let cost = u128::from(k) * u128::from(mul_gas) * discount / 1000;
    u64::try_from(cost).ok()
}

/// The gas of a pairing check of `k` pairs; `None` past `u64`.
pub fn pairing_gas(k: u64) -> Option<u64> {
    PAIRING_PER_PAIR_GAS
        .checked_mul(k)?
        .checked_add(PAIRING_BASE_GAS)
}
