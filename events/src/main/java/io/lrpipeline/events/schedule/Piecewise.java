package io.lrpipeline.events.schedule;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A table of epoch → rate: each rate holds from its epoch until the next one in the table. The table starts at epoch 0. */
public record Piecewise(NavigableMap<Integer, Double> rates) implements Schedule {
    public Piecewise {
        if (rates.isEmpty() || rates.firstKey() != 0) {
            throw new IllegalArgumentException("piecewise needs a rate for epoch 0, got epochs " + rates.keySet());
        }
        rates.forEach((epoch, rate) -> Parameters.requirePositive("rate at epoch " + epoch, rate));
        rates = new TreeMap<>(rates);
    }

    public static Piecewise of(Map<Integer, Double> rates) {
        return new Piecewise(new TreeMap<>(rates));
    }

    @Override
    public double at(int epoch) {
        return rates.floorEntry(epoch).getValue();
    }
}
